package org.slicelab.ablations.method;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slicelab.ablations.config.Option;

/**
 * The one registration of a fine-tuning method ({@link Methods} lists them): its name, default
 * learning rate, the options its settings read, how settings become a method, which options
 * tell its trials apart in reports, and its benchmark label.
 *
 * @param name the value of trial option {@code method}
 * @param defaultLr peak learning rate when a trial leaves {@code lr} at 0
 * @param options the options its settings read (shared ones included)
 * @param reader reads the settings from a checked option map
 * @param factory a new, unattached method for the settings
 * @param labelOptions options shown after the method's name in report labels
 * @param benchLabel the label grammar of {@code bench --methods}
 * @param <S> the settings record
 */
public record MethodType<S extends MethodSettings>(String name, double defaultLr,
    List<Option<?>> options, Function<Map<String, ?>, S> reader,
    Function<S, FineTuningMethod> factory, List<String> labelOptions, BenchLabel benchLabel) {

  /** The settings in a checked option map. */
  public S settings(Map<String, ?> values) {
    return reader.apply(values);
  }

  /** A new method for the settings in a checked option map (cross-option checks run here). */
  public FineTuningMethod create(Map<String, ?> values) {
    return factory.apply(settings(values));
  }

  /**
   * A benchmark label: {@code pattern} (e.g. {@code lora_r(\d+)}) and the trial options a match
   * sets.
   *
   * @param pattern the whole label
   * @param syntax the label in help and error text ({@code lora_r<k>})
   * @param options trial options of a match, beside {@code method}
   */
  public record BenchLabel(Pattern pattern, String syntax,
      Function<Matcher, Map<String, Object>> options) {

    /** A label with {@code regex} setting {@code options}. */
    public static BenchLabel of(String regex, String syntax,
        Function<Matcher, Map<String, Object>> options) {
      return new BenchLabel(Pattern.compile(regex), syntax, options);
    }

    /** The label that is the method's name alone. */
    public static BenchLabel plain(String name) {
      return of(Pattern.quote(name), name, m -> Map.of());
    }

    /** The options {@code label} sets, or null when it is not this method's label. */
    public Map<String, Object> parse(String label) {
      Matcher m = pattern.matcher(label);
      return m.matches() ? options.apply(m) : null;
    }
  }
}
