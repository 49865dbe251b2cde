package org.slicelab.ablations.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slicelab.ablations.backbone.BertConfig;
import org.slicelab.ablations.method.LayerPatterns;
import org.slicelab.ablations.method.LinearTraining;
import org.slicelab.ablations.method.LinearTraining.Kind;
import org.slicelab.ablations.trial.TrialSpec;

/**
 * Lists the matrix products of one training step of the BERT classifier as
 * {@code org.slicelab.ablations} computes it, per method, with their shapes ({@link Product},
 * which {@link GemmFloor} times), and counts their floating-point operations (2 per
 * multiply-add).
 *
 * <p>Three parts: <b>forward</b> (every Linear, the two attention products per layer, adapter
 * products, the head); <b>activation backward</b> (gradients with respect to activations:
 * {@code dX = dY W} through frozen or trained Linears, both operands of both attention products,
 * and adapter-internal activations), computed only where the activation requires a gradient,
 * i.e. where something below it trains: PyTorch skips the rest; <b>weight gradients</b> actually
 * formed ({@code dW = dY^T X} for fully trained matrices, the slice / LoRA factor gradients, the
 * head).
 *
 * <p>What each method computes (from the code, not from an idealisation):
 * <ul>
 *   <li>{@code full}: embeddings train, so every activation needs a gradient: exactly 3x forward.
 *   <li>{@code head}: forward plus the head's tiny dW; no activation backward at all.
 *   <li>{@code slicefine}: activation backward through every layer down to the lowest slice
 *       (layer 0's query/key/value inputs are the frozen embeddings, so their {@code dX} is
 *       skipped), plus the slice products. The benchmark's slices are contiguous windows
 *       (position selector), which {@code SliceAdapter} adds in place / reads as a view, so no
 *       placement or gather product is executed. (Scattered index sets from the Wanda and
 *       lottery-ticket selectors add one dense one-hot product per direction, 2*T*r*d each.)
 *   <li>{@code sift}: like slicefine's activation backward, plus the <em>full</em> {@code dW} of
 *       every targeted matrix (SIFT gathers its top-k entries from the full gradient).
 *   <li>{@code lora}: activation backward as slicefine, plus the A/B products.
 * </ul>
 * Not counted: element-wise work (softmax, GELU, LayerNorm, the AdamW update, embedding
 * gathers/scatters). It is small in FLOPs but not in memory traffic; the benchmark reports the
 * optimizer's time separately for that reason.
 */
public final class FlopCounter {

  /**
   * One encoder Linear in the plan.
   *
   * @param name Hugging Face module name
   * @param dOut output features
   * @param dIn input features
   * @param kind how it trains
   * @param rank slice or LoRA rank (0 otherwise)
   */
  public record LinearPlan(String name, int dOut, int dIn, Kind kind, int rank) {
  }

  /**
   * Which tensors train: the encoder Linears in layer order (query, key, value, attention
   * output, intermediate, output per layer) and whether embeddings and LayerNorms train.
   *
   * @param linears 6 per layer, in order
   * @param embeddingsTrain embeddings (and LayerNorms) train, so the encoder input needs a gradient
   */
  public record Plan(List<LinearPlan> linears, boolean embeddingsTrain) {
  }

  /**
   * Matmul FLOPs of one step.
   *
   * @param forward forward pass
   * @param activationBackward gradients with respect to activations
   * @param weightGradient gradients of trained weights / adapters actually formed
   */
  public record Flops(long forward, long activationBackward, long weightGradient) {
    /** The sum of the three parts. */
    public long total() {
      return forward + activationBackward + weightGradient;
    }
  }

  /** Which part of the step a product belongs to. */
  public enum Part { FORWARD, ACTIVATION_BACKWARD, WEIGHT_GRADIENT }

  /**
   * One matrix product of a step: {@code batch} independent products of {@code op(A) [m, k]}
   * and {@code op(B) [k, n]}, where {@code op} transposes a stored operand when its flag is set
   * (as the kernels receive them: {@code x W^T} reads the stored weight transposed).
   *
   * @param part the part of the step it belongs to
   * @param batch independent products (batch x heads for attention, 1 otherwise)
   * @param m rows of the result
   * @param k the summed dimension
   * @param n columns of the result
   * @param transposedA the left operand is stored as {@code [k, m]}
   * @param transposedB the right operand is stored as {@code [n, k]}
   */
  public record Product(Part part, int batch, int m, int k, int n, boolean transposedA,
      boolean transposedB) {
    /** Floating-point operations, 2 per multiply-add. */
    public long flops() {
      return 2L * batch * m * k * n;
    }

    /** The product's shape and layout, without its part: products with equal keys cost alike. */
    public Product shapeKey() {
      return new Product(Part.FORWARD, batch, m, k, n, transposedA, transposedB);
    }
  }

  private FlopCounter() {
  }

  /** The plan of a trial spec's method on {@code config} (SliceFine's initial axis). */
  public static Plan plan(TrialSpec spec, BertConfig config) {
    return plan(spec.methodSettings().linearTraining(), config);
  }

  /** The plan of a method that trains the Linears as {@code training} says. */
  public static Plan plan(LinearTraining training, BertConfig config) {
    Map<String, int[]> shapes = config.linearShapes();
    List<String> names = new ArrayList<>(shapes.keySet());
    List<String> targeted = training.targets().isEmpty() ? List.of()
        : LayerPatterns.selectNames(names, training.targets());
    List<LinearPlan> linears = new ArrayList<>();
    for (String name : names) {
      int[] shape = shapes.get(name);
      Kind kind = training.wholeModel() ? Kind.FULL
          : targeted.contains(name) ? training.kind() : Kind.FROZEN;
      linears.add(new LinearPlan(name, shape[0], shape[1], kind,
          kind == Kind.FROZEN || kind == Kind.FULL ? 0 : training.rank()));
    }
    return new Plan(linears, training.wholeModel());
  }

  /** FLOPs of one training step of {@code spec} with batch {@code batch} and length {@code len}. */
  public static Flops count(TrialSpec spec, BertConfig config, int batch, int len) {
    return count(plan(spec, config), config, batch, len, 2);
  }

  /** FLOPs of one training step of {@code plan}; {@code classes} outputs of the head. */
  public static Flops count(Plan plan, BertConfig config, int batch, int len, int classes) {
    long[] parts = new long[Part.values().length];
    for (Product p : products(plan, config, batch, len, classes)) {
      parts[p.part().ordinal()] += p.flops();
    }
    return new Flops(parts[Part.FORWARD.ordinal()], parts[Part.ACTIVATION_BACKWARD.ordinal()],
        parts[Part.WEIGHT_GRADIENT.ordinal()]);
  }

  /** The matrix products of one training step of {@code spec}, with their shapes. */
  public static List<Product> products(TrialSpec spec, BertConfig config, int batch, int len) {
    return products(plan(spec, config), config, batch, len, 2);
  }

  /**
   * The matrix products of one training step of {@code plan}, in forward layer order within
   * each part; {@code classes} outputs of the head. Attention is listed as its two written-out
   * products and their gradients, also where the fused kernel computes them blockwise.
   */
  public static List<Product> products(Plan plan, BertConfig config, int batch, int len,
      int classes) {
    if (plan.linears().size() != 6 * config.layers()) {
      throw new IllegalArgumentException("plan has " + plan.linears().size()
          + " Linears, config needs " + 6 * config.layers());
    }
    ProductList c = new ProductList(batch * len);
    int heads = batch * config.heads();
    int dh = config.hidden() / config.heads();
    boolean h = plan.embeddingsTrain();
    for (int l = 0; l < config.layers(); l++) {
      List<LinearPlan> p = plan.linears().subList(6 * l, 6 * l + 6);
      boolean q = c.linear(p.get(0), h);
      boolean k = c.linear(p.get(1), h);
      boolean v = c.linear(p.get(2), h);
      c.add(Part.FORWARD, heads, len, dh, len, false, true);      // scores = q k^T
      c.add(Part.FORWARD, heads, len, len, dh, false, false);     // context = P v
      boolean scores = q || k;
      if (q) {
        c.add(Part.ACTIVATION_BACKWARD, heads, len, len, dh, false, false);  // dq = dS k
      }
      if (k) {
        c.add(Part.ACTIVATION_BACKWARD, heads, len, len, dh, true, false);   // dk = dS^T q
      }
      if (scores) {
        c.add(Part.ACTIVATION_BACKWARD, heads, len, dh, len, false, true);   // dP = dC v^T
      }
      if (v) {
        c.add(Part.ACTIVATION_BACKWARD, heads, len, len, dh, true, false);   // dv = P^T dC
      }
      boolean attn = c.linear(p.get(3), scores || v);
      boolean h1 = attn || h || plan.embeddingsTrain();
      boolean inner = c.linear(p.get(4), h1);
      boolean out = c.linear(p.get(5), inner);
      h = out || h1;
    }
    c.add(Part.FORWARD, 1, batch, config.hidden(), classes, false, true);
    c.add(Part.WEIGHT_GRADIENT, 1, classes, batch, config.hidden(), true, false);
    if (h) {
      c.add(Part.ACTIVATION_BACKWARD, 1, batch, classes, config.hidden(), false, false);
    }
    return List.copyOf(c.products);
  }

  private static final class ProductList {
    private final int tokens;
    private final List<Product> products = new ArrayList<>();

    ProductList(int tokens) {
      this.tokens = tokens;
    }

    void add(Part part, int batch, int m, int k, int n, boolean transposedA, boolean transposedB) {
      products.add(new Product(part, batch, m, k, n, transposedA, transposedB));
    }

    /** Adds one Linear; returns whether its output requires a gradient. */
    boolean linear(LinearPlan p, boolean inputNeedsGrad) {
      int t = tokens;
      int r = p.rank();
      add(Part.FORWARD, 1, t, p.dIn(), p.dOut(), false, true);            // y = x W^T
      if (inputNeedsGrad) {
        add(Part.ACTIVATION_BACKWARD, 1, t, p.dOut(), p.dIn(), false, false);  // dX = dY W
      }
      switch (p.kind()) {
        case FROZEN -> {
          return inputNeedsGrad;
        }
        case FULL -> {
          add(Part.WEIGHT_GRADIENT, 1, p.dOut(), t, p.dIn(), true, false);    // dW = dY^T x
          return true;
        }
        case ROW_SLICE -> {
          // y[..., p:p+r] += x D^T: D [r, d_in]; its upstream gradient is a slice of dY
          add(Part.FORWARD, 1, t, p.dIn(), r, false, true);
          add(Part.WEIGHT_GRADIENT, 1, r, t, p.dIn(), true, false);          // dD = dY_r^T x
          if (inputNeedsGrad) {
            add(Part.ACTIVATION_BACKWARD, 1, t, r, p.dIn(), false, false);   // dX += dY_r D
          }
          return true;
        }
        case COLUMN_SLICE -> {
          // y += x[..., p:p+r] D^T: D [d_out, r]; the input window is a view
          add(Part.FORWARD, 1, t, r, p.dOut(), false, true);
          add(Part.WEIGHT_GRADIENT, 1, p.dOut(), t, r, true, false);         // dD = dY^T x_r
          if (inputNeedsGrad) {
            add(Part.ACTIVATION_BACKWARD, 1, t, p.dOut(), r, false, false);  // dX_r += dY D
          }
          return true;
        }
        case LORA -> {
          // y += s (x A^T) B^T: A [r, d_in], B [d_out, r]
          add(Part.FORWARD, 1, t, p.dIn(), r, false, true);                  // low = x A^T
          add(Part.FORWARD, 1, t, r, p.dOut(), false, true);                 // low B^T
          add(Part.WEIGHT_GRADIENT, 1, p.dOut(), t, r, true, false);         // dB = dY^T low
          add(Part.WEIGHT_GRADIENT, 1, r, t, p.dIn(), true, false);          // dA = dlow^T x
          add(Part.ACTIVATION_BACKWARD, 1, t, p.dOut(), r, false, false);    // dlow = dY B
          if (inputNeedsGrad) {
            add(Part.ACTIVATION_BACKWARD, 1, t, r, p.dIn(), false, false);   // dX += dlow A
          }
          return true;
        }
        default -> throw new IllegalStateException(p.kind().toString());
      }
    }
  }
}
