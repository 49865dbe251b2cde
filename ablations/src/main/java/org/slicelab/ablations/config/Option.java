package org.slicelab.ablations.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One trial option: its snake_case name (grid files, result columns; {@code --kebab-case} on the
 * command line), type, default, one-line help, and the check every value must pass. Options are
 * declared as constants beside the settings that use them (the core trial spec, each method's
 * settings record, the slice selectors) and collected once by the trial spec, so the command
 * line, grid files, validation and {@code --help} all come from these declarations.
 *
 * <p>Values are converted with Jackson without scalar coercion: integers, numbers, booleans and
 * strings are not turned into each other (an integer is accepted where a number is expected).
 *
 * @param name snake_case name
 * @param type the value's class ({@code Integer}, {@code Long}, {@code Double}, {@code Boolean},
 *     {@code String})
 * @param defaultValue the value when the option is not given
 * @param help one line for {@code --help} (the default is appended by the command line)
 * @param choices the allowed values when the option is a choice (empty otherwise)
 * @param check what a valid value satisfies (after {@code normalize})
 * @param allowed what {@code check} requires, in words ("an integer > 0")
 * @param reader converts a raw value (null: Jackson conversion to {@code type})
 * @param normalize maps a converted value to its canonical form (may throw with its own message)
 * @param <T> the value type
 */
public record Option<T>(String name, Class<T> type, T defaultValue, String help,
    List<String> choices, Predicate<T> check, String allowed, Function<Object, T> reader,
    Function<T, T> normalize) {

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .build();

  /** An integer option whose values satisfy {@code check} ({@code allowed} says how). */
  public static Option<Integer> integer(String name, int defaultValue, String help,
      Predicate<Integer> check, String allowed) {
    return of(name, Integer.class, defaultValue, help, check, allowed);
  }

  /** An integer option whose values must be {@code > 0}. */
  public static Option<Integer> positive(String name, int defaultValue, String help) {
    return integer(name, defaultValue, help, v -> v > 0, "an integer > 0");
  }

  /** A long integer option with no further check. */
  public static Option<Long> longInteger(String name, long defaultValue, String help) {
    return of(name, Long.class, defaultValue, help, v -> true, "an integer");
  }

  /** A number option whose values satisfy {@code check} ({@code allowed} says how). */
  public static Option<Double> number(String name, double defaultValue, String help,
      Predicate<Double> check, String allowed) {
    return of(name, Double.class, defaultValue, help, check, allowed);
  }

  /** A boolean option. */
  public static Option<Boolean> flag(String name, boolean defaultValue, String help) {
    return of(name, Boolean.class, defaultValue, help, v -> true, "true or false");
  }

  /** A string option whose values satisfy {@code check} ({@code allowed} says how). */
  public static Option<String> text(String name, String defaultValue, String help,
      Predicate<String> check, String allowed) {
    return of(name, String.class, defaultValue, help, check, allowed);
  }

  /** A string option whose value is one of {@code choices}. */
  public static Option<String> oneOf(String name, String defaultValue, String help,
      List<String> choices) {
    return new Option<>(name, String.class, defaultValue, help, List.copyOf(choices),
        choices::contains, "one of " + choices, null, v -> v);
  }

  private static <T> Option<T> of(String name, Class<T> type, T defaultValue, String help,
      Predicate<T> check, String allowed) {
    return new Option<>(name, type, defaultValue, help, List.of(), check, allowed, null, v -> v);
  }

  /** This option with {@code reader} converting raw values (for values of several types). */
  public Option<T> readWith(Function<Object, T> newReader) {
    return new Option<>(name, type, defaultValue, help, choices, check, allowed, newReader,
        normalize);
  }

  /** This option with {@code canonical} applied to every value before the check. */
  public Option<T> normalizeWith(Function<T, T> canonical) {
    return new Option<>(name, type, defaultValue, help, choices, check, allowed, reader,
        canonical);
  }

  /**
   * Converts a raw value (grid file, command line, JSON) to {@link #type()}, normalises and
   * checks it; throws {@link IllegalArgumentException} naming the option and what is allowed.
   */
  public T parse(Object raw) {
    T value = convert(raw);
    T canonical = value == null ? null : normalize.apply(value);
    if (canonical == null || !check.test(canonical)) {
      throw invalid(name, value, allowed);
    }
    return canonical;
  }

  private T convert(Object raw) {
    if (reader != null) {
      return reader.apply(raw);
    }
    if (raw == null) {
      if (type == String.class) {
        return null;
      }
      throw new IllegalArgumentException("trial option '" + name + "' must be of type "
          + typeName());
    }
    try {
      return type.cast(JSON.convertValue(raw, primitive(type)));
    } catch (IllegalArgumentException e) {
      if (e.getCause() instanceof MismatchedInputException m) {
        String got = m instanceof InvalidFormatException f ? " (got '" + f.getValue() + "')" : "";
        throw new IllegalArgumentException("trial option '" + name + "' must be of type "
            + typeName() + got, e);
      }
      throw e;
    }
  }

  private static Class<?> primitive(Class<?> type) {
    return type == Integer.class ? int.class : type == Long.class ? long.class
        : type == Double.class ? double.class : type == Boolean.class ? boolean.class : type;
  }

  /** The type in words for messages: integer, number, boolean or string. */
  public String typeName() {
    if (type == Integer.class || type == Long.class) {
      return "integer";
    }
    if (type == Double.class) {
      return "number";
    }
    if (type == Boolean.class) {
      return "boolean";
    }
    return "string";
  }

  /** This option's value in {@code values} (a complete, checked map such as a trial spec's). */
  public T in(Map<String, ?> values) {
    return type.cast(values.get(name));
  }

  /** The error for {@code value} of {@code option}, naming what is allowed. */
  public static IllegalArgumentException invalid(String option, Object value, String allowed) {
    return new IllegalArgumentException(
        "trial option '" + option + "' = " + value + " is invalid: must be " + allowed);
  }
}
