package org.slicelab.ablations.method;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slicelab.ablations.config.Option;

/**
 * The registry of fine-tuning methods: one {@link MethodType} per method, in help order. Adding a
 * method is one class (with its settings record and {@code TYPE}) and one line here.
 */
public final class Methods {
  private static final List<MethodType<?>> TYPES = List.of(
      HeadOnly.TYPE,
      FullFineTuning.TYPE,
      SliceFine.TYPE,
      Sift.TYPE,
      Lora.TYPE);

  private Methods() {
  }

  /** Every registered method, in registry order. */
  public static List<MethodType<?>> all() {
    return TYPES;
  }

  /** Every method name, in registry order. */
  public static List<String> names() {
    return TYPES.stream().map(MethodType::name).toList();
  }

  /** The method called {@code name}; throws naming option {@code method} and the names. */
  public static MethodType<?> get(String name) {
    for (MethodType<?> type : TYPES) {
      if (type.name().equals(name)) {
        return type;
      }
    }
    throw Option.invalid("method", name, "one of " + names());
  }

  /** A new method instance of {@code method} with settings from a checked option map. */
  public static FineTuningMethod create(String method, Map<String, ?> options) {
    return get(method).create(options);
  }

  /** The peak learning rate {@code method} trains at when a trial leaves {@code lr} at 0. */
  public static double defaultLr(String method) {
    return get(method).defaultLr();
  }

  /** Every method's default learning rate, in registry order ("head 5e-3, full 5e-5, ..."). */
  public static String defaultLrSummary() {
    List<String> parts = new ArrayList<>();
    for (MethodType<?> type : TYPES) {
      parts.add(type.name() + " " + String.format(Locale.ROOT, "%.0e", type.defaultLr())
          .replace("e-0", "e-"));
    }
    return String.join(", ", parts);
  }

  /** The options of every method (an option shared by several methods once), by name. */
  public static Map<String, Option<?>> options() {
    Map<String, Option<?>> out = new LinkedHashMap<>();
    for (MethodType<?> type : TYPES) {
      for (Option<?> option : type.options()) {
        Option<?> known = out.putIfAbsent(option.name(), option);
        if (known != null && known != option) {
          throw new IllegalStateException("option '" + option.name()
              + "' is declared twice; share one declaration (see MethodOptions)");
        }
      }
    }
    return out;
  }
}
