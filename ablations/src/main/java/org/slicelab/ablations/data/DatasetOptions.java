package org.slicelab.ablations.data;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@code dataset} option value split into its source and options:
 * {@code SOURCE[?key=value&key=value]}, e.g. {@code sentiment-sentences?train=amazon&test=yelp}
 * or {@code /data/reviews.csv?text=review&label=stars}. The canonical form lists the options
 * sorted by key.
 *
 * @param source a built-in name or a file/directory location
 * @param options option values by key
 */
public record DatasetOptions(String source, Map<String, String> options) {

  /** Parses a value; keys must be among {@code allowed} (checked by {@link #check}). */
  public static DatasetOptions parse(String value) {
    if (value == null || value.isBlank()) {
      throw invalid(value, "must not be empty");
    }
    int q = value.indexOf('?');
    String source = q < 0 ? value : value.substring(0, q);
    Map<String, String> options = new TreeMap<>();
    if (q >= 0) {
      for (String pair : value.substring(q + 1).split("&")) {
        int eq = pair.indexOf('=');
        if (eq <= 0 || eq == pair.length() - 1) {
          throw invalid(value, "option '" + pair + "' is not key=value");
        }
        if (options.put(pair.substring(0, eq), pair.substring(eq + 1)) != null) {
          throw invalid(value, "option '" + pair.substring(0, eq) + "' is given twice");
        }
      }
    }
    return new DatasetOptions(source, Map.copyOf(options));
  }

  /** Fails unless every option key is in {@code allowed}. */
  public DatasetOptions check(Collection<String> allowed) {
    for (String key : options.keySet()) {
      if (!allowed.contains(key)) {
        throw invalid(canonical(), "unknown option '" + key + "' for " + source
            + "; allowed: " + (allowed.isEmpty() ? "none" : String.join(", ", allowed)));
      }
    }
    return this;
  }

  /** The value with options sorted by key. */
  public String canonical() {
    StringBuilder b = new StringBuilder(source);
    char sep = '?';
    for (Map.Entry<String, String> e : new TreeMap<>(options).entrySet()) {
      b.append(sep).append(e.getKey()).append('=').append(e.getValue());
      sep = '&';
    }
    return b.toString();
  }

  /** An option's value, or {@code fallback}. */
  public String get(String key, String fallback) {
    return options.getOrDefault(key, fallback);
  }

  /** A comma-separated option as a list (empty when absent). */
  public List<String> list(String key) {
    String v = options.get(key);
    return v == null ? List.of() : Arrays.stream(v.split(",")).map(String::trim).toList();
  }

  /** An error naming the {@code dataset} option. */
  public static IllegalArgumentException invalid(String value, String why) {
    return new IllegalArgumentException("trial option 'dataset' = '" + value + "' is invalid: "
        + why);
  }
}
