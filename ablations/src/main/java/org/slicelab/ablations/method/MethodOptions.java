package org.slicelab.ablations.method;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slicelab.ablations.backbone.BertConfig;
import org.slicelab.ablations.config.Option;

/** Options several methods share ({@code rank}, {@code targets}), declared once. */
public final class MethodOptions {
  /** Default targets: every encoder Linear. */
  public static final String DEFAULT_TARGETS =
      "attention.self.query,attention.self.key,attention.self.value,attention.output.dense,"
          + "intermediate.dense,output.dense";
  /** Option {@code rank}: SliceFine's slice rank and LoRA's rank. */
  public static final Option<Integer> RANK = Option.positive("rank", 8,
      "SliceFine slice rank r / LoRA rank");
  /** Option {@code targets}: the Linear layers SliceFine, SIFT and LoRA train. */
  public static final Option<String> TARGETS = Option.text("targets", DEFAULT_TARGETS,
      "comma-separated layer patterns (encoder.layer.N. prefix optional, * wildcard)",
      v -> !targetList(v).isEmpty(), "a comma-separated list of layer name patterns");

  private MethodOptions() {
  }

  /** Layer-name patterns, split from a {@code targets} value. */
  public static List<String> targetList(String targets) {
    List<String> out = new ArrayList<>();
    for (String t : targets.split(",")) {
      if (!t.isBlank()) {
        out.add(t.trim());
      }
    }
    return out;
  }

  /** The {@code [out, in]} shapes of the encoder Linears matching {@code patterns}, in order. */
  public static Map<String, int[]> targetShapes(BertConfig config, List<String> patterns) {
    Map<String, int[]> shapes = config.linearShapes();
    Map<String, int[]> out = new LinkedHashMap<>();
    for (String name : LayerPatterns.selectNames(new ArrayList<>(shapes.keySet()), patterns)) {
      out.put(name, shapes.get(name));
    }
    return out;
  }
}
