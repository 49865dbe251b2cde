package org.slicelab.ablations.method;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slicelab.ablations.model.WeightLayer;

/**
 * Matches layer names against {@code targets} patterns. A pattern matches a layer when it equals
 * the name, or the name without its {@code encoder.layer.N.} prefix (so {@code output.dense}
 * means the feed-forward output, not {@code attention.output.dense}); {@code *} is a wildcard.
 */
public final class LayerPatterns {
  private LayerPatterns() {
  }

  /** The layers matched by at least one pattern; an unmatched pattern is an error. */
  public static <L extends WeightLayer> List<L> select(List<L> layers, List<String> patterns) {
    List<String> names = selectNames(layers.stream().map(WeightLayer::name).toList(), patterns);
    return layers.stream().filter(l -> names.contains(l.name())).toList();
  }

  /** The names matched by at least one pattern, in their original order. */
  public static List<String> selectNames(List<String> names, List<String> patterns) {
    List<String> out = new ArrayList<>();
    for (String pattern : patterns) {
      boolean any = false;
      for (String name : names) {
        if (matches(pattern, name)) {
          any = true;
          if (!out.contains(name)) {
            out.add(name);
          }
        }
      }
      if (!any) {
        throw new IllegalArgumentException("trial option 'targets' pattern '" + pattern
            + "' matches no layer of the backbone; its layers look like "
            + String.join(", ", names.subList(0, Math.min(3, names.size())))
            + (names.size() > 3 ? ", ..." : "")
            + " (patterns may omit an encoder.layer.N. prefix and use * as a wildcard)");
      }
    }
    out.sort((a, b) -> Integer.compare(names.indexOf(a), names.indexOf(b)));
    return out;
  }

  /** Whether {@code pattern} matches layer {@code name}. */
  public static boolean matches(String pattern, String name) {
    Pattern regex = Pattern.compile(
        ("\\Q" + pattern + "\\E").replace("*", "\\E.*\\Q"));
    String local = name.replaceFirst("^encoder\\.layer\\.\\d+\\.", "");
    return regex.matcher(name).matches() || regex.matcher(local).matches();
  }
}
