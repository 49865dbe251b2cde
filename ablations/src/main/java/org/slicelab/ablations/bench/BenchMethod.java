package org.slicelab.ablations.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slicelab.ablations.backbone.Backbones;
import org.slicelab.ablations.data.Datasets;
import org.slicelab.ablations.model.Architecture;
import org.slicelab.ablations.model.Modality;
import org.slicelab.ablations.method.MethodType;
import org.slicelab.ablations.method.Methods;
import org.slicelab.ablations.trial.TrialSpec;

/**
 * A benchmarked method configuration, named by a label in the grammar its method registers
 * ({@link MethodType.BenchLabel}): {@code head}, {@code full},
 * {@code slicefine_r<rank>_<row|column>}, {@code sift_<percent>pct} (e.g. {@code sift_1pct},
 * {@code sift_0.8pct}) or {@code lora_r<rank>}. Every other trial option keeps its default
 * (all encoder Linears or convolutions targeted, static slice at position 0, head trained fully,
 * no weight decay, gradient clipping 1.0) except the learning rate ({@link #BENCH_LR}), the
 * backbone and, for an image backbone, the data set ({@value #IMAGE_DATASET}) and image size.
 *
 * @param label the name used in tables and ratios
 * @param spec the trial spec the method is built from
 */
public record BenchMethod(String label, TrialSpec spec) {

  /**
   * Learning rate of every benchmarked method. The step's cost does not depend on it; the
   * methods' own defaults (up to 5e-3) make the benchmark's repeated steps on four batches
   * diverge to NaN within a few rounds, so the benchmark uses a small common rate.
   */
  public static final double BENCH_LR = 1e-5;

  /** The data set of the benchmark's image batches (text backbones use the trials' default). */
  public static final String IMAGE_DATASET = Datasets.FASHION_MNIST;

  /** The method set, in table order. */
  public static final List<String> STANDARD = List.of("head", "full",
      "slicefine_r1_row", "slicefine_r5_row", "slicefine_r8_row",
      "slicefine_r1_column", "slicefine_r5_column", "slicefine_r8_column",
      "sift_1pct", "lora_r8");

  /** Parses a label on the default backbone (see {@link #parse(String, int, int, String)}). */
  public static BenchMethod parse(String label, int batchSize, int maxLen) {
    return parse(label, batchSize, maxLen, Backbones.DEFAULT);
  }

  /** Parses a label on {@code backbone} at the default image size. */
  public static BenchMethod parse(String label, int batchSize, int maxLen, String backbone) {
    return parse(label, batchSize, maxLen, TrialSpec.DEFAULT_IMAGE_SIZE, backbone);
  }

  /**
   * Parses a label (see the class comment) into a spec with batch, length, image size and
   * backbone (a {@code backbone} option value) applied.
   */
  public static BenchMethod parse(String label, int batchSize, int maxLen, int imageSize,
      String backbone) {
    TrialSpec.Builder b = dataSpec(backbone, batchSize, maxLen, imageSize).lr(BENCH_LR);
    String l = label.trim();
    for (MethodType<?> type : Methods.all()) {
      Map<String, Object> options = type.benchLabel().parse(l);
      if (options != null) {
        b.method(type.name());
        options.forEach(b::set);
        return new BenchMethod(l, b.build());
      }
    }
    List<String> syntax = Methods.all().stream().map(t -> t.benchLabel().syntax()).toList();
    throw new IllegalArgumentException("option '--methods': unknown method '" + label
        + "'; use " + String.join(", ", syntax.subList(0, syntax.size() - 1)) + " or "
        + syntax.get(syntax.size() - 1));
  }

  /**
   * The trial options every benchmarked spec of {@code backbone} shares: the backbone, batch
   * size, length and image size, and the data set of its modality.
   */
  static TrialSpec.Builder dataSpec(String backbone, int batchSize, int maxLen, int imageSize) {
    TrialSpec.Builder b = TrialSpec.builder().batchSize(batchSize).maxLen(maxLen)
        .imageSize(imageSize).backbone(backbone);
    if (Backbones.get(backbone).modality() == Modality.IMAGE) {
      b.dataset(IMAGE_DATASET);
    }
    return b;
  }

  /** Parses a comma-separated list on the default backbone (duplicates rejected). */
  public static List<BenchMethod> parseList(String labels, int batchSize, int maxLen) {
    return parseList(labels, batchSize, maxLen, Backbones.DEFAULT);
  }

  /** Parses a comma-separated list on {@code backbone} (duplicates rejected). */
  public static List<BenchMethod> parseList(String labels, int batchSize, int maxLen,
      String backbone) {
    return parseList(labels, batchSize, maxLen, TrialSpec.DEFAULT_IMAGE_SIZE, backbone);
  }

  /** Parses a comma-separated list on {@code backbone} at {@code imageSize} (no duplicates). */
  public static List<BenchMethod> parseList(String labels, int batchSize, int maxLen,
      int imageSize, String backbone) {
    List<BenchMethod> out = new ArrayList<>();
    for (String label : labels.split(",")) {
      if (label.isBlank()) {
        continue;
      }
      BenchMethod m = parse(label, batchSize, maxLen, imageSize, backbone);
      if (out.stream().anyMatch(o -> o.label().equals(m.label()))) {
        throw new IllegalArgumentException("option '--methods': '" + m.label()
            + "' is listed twice");
      }
      out.add(m);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("option '--methods' lists no method");
    }
    return out;
  }

  /**
   * The {@link #STANDARD} methods that fit {@code backbone}'s layers, each with the reason of
   * those left out (e.g. a column slice of rank 5 on a convolution with 3 input channels).
   *
   * @param methods the methods kept, in table order
   * @param omitted label -> why it does not fit
   */
  public record Standard(List<BenchMethod> methods, Map<String, String> omitted) {
  }

  /** The standard method set on {@code backbone} (see {@link Standard}). */
  public static Standard standard(int batchSize, int maxLen, int imageSize, String backbone) {
    Architecture architecture = Backbones.get(backbone).architecture();
    List<BenchMethod> kept = new ArrayList<>();
    Map<String, String> omitted = new LinkedHashMap<>();
    for (String label : STANDARD) {
      BenchMethod m = parse(label, batchSize, maxLen, imageSize, backbone);
      try {
        m.spec().methodSettings().checkShapes(architecture, 2);
        kept.add(m);
      } catch (IllegalArgumentException e) {
        omitted.put(label, e.getMessage());
      }
    }
    return new Standard(List.copyOf(kept), omitted);
  }
}
