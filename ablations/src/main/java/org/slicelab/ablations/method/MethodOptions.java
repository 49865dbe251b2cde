package org.slicelab.ablations.method;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slicelab.ablations.config.Option;
import org.slicelab.ablations.model.Architecture;
import org.slicelab.ablations.model.Classifier;
import org.slicelab.ablations.model.WeightLayer;

/** Options several methods share ({@code rank}, {@code targets}), declared once. */
public final class MethodOptions {
  /**
   * Default targets. Written as the text encoders' six Linears (so that the trial ids of text
   * specs, which hold this value, never change), it means "the backbone's default targets":
   * every encoder Linear of a text backbone, every convolution of a vision backbone
   * ({@link Architecture#defaultTargets()}).
   */
  public static final String DEFAULT_TARGETS =
      "attention.self.query,attention.self.key,attention.self.value,attention.output.dense,"
          + "intermediate.dense,output.dense";
  /** Option {@code rank}: SliceFine's slice rank and LoRA's rank. */
  public static final Option<Integer> RANK = Option.positive("rank", 8,
      "SliceFine slice rank r / LoRA rank");
  /** Option {@code targets}: the weight layers SliceFine, SIFT and LoRA train. */
  public static final Option<String> TARGETS = Option.text("targets", DEFAULT_TARGETS,
      "comma-separated layer patterns (encoder.layer.N. prefix optional, * wildcard); "
          + "default: every encoder Linear (text) or convolution (vision)",
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

  /** Whether {@code patterns} is the default {@code targets} value. */
  public static boolean isDefault(List<String> patterns) {
    return patterns.equals(targetList(DEFAULT_TARGETS));
  }

  /** The names {@code patterns} selects among {@code names}, or {@code defaults} for the default. */
  static List<String> targetNames(List<String> names, List<String> defaults,
      List<String> patterns) {
    return isDefault(patterns) ? defaults : LayerPatterns.selectNames(names, patterns);
  }

  /** The weight layers of {@code model} that {@code patterns} selects, in model order. */
  public static List<WeightLayer> targetLayers(Classifier model, List<String> patterns) {
    List<String> names = targetNames(model.weightLayers().stream().map(WeightLayer::name)
        .toList(), model.defaultTargets(), patterns);
    List<WeightLayer> out = new ArrayList<>();
    for (WeightLayer layer : model.weightLayers()) {
      if (names.contains(layer.name())) {
        out.add(layer);
      }
    }
    return out;
  }

  /** The shapes of the layers of {@code architecture} that {@code patterns} selects, in order. */
  public static Map<String, Architecture.LayerShape> targetShapes(Architecture architecture,
      List<String> patterns) {
    List<String> names = targetNames(architecture.layerNames(), architecture.defaultTargets(),
        patterns);
    Map<String, Architecture.LayerShape> out = new LinkedHashMap<>();
    for (Architecture.LayerShape shape : architecture.layers()) {
      if (names.contains(shape.name())) {
        out.put(shape.name(), shape);
      }
    }
    return out;
  }
}
