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
 * Counts the matrix-multiply floating-point operations (2 per multiply-add) of one training step
 * of the BERT classifier as {@code org.slicelab.ablations} computes it, per method.
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
    if (plan.linears().size() != 6 * config.layers()) {
      throw new IllegalArgumentException("plan has " + plan.linears().size()
          + " Linears, config needs " + 6 * config.layers());
    }
    long tokens = (long) batch * len;
    long attention = 2L * batch * len * len * config.hidden();
    Counter c = new Counter(tokens);
    boolean h = plan.embeddingsTrain();
    for (int l = 0; l < config.layers(); l++) {
      List<LinearPlan> p = plan.linears().subList(6 * l, 6 * l + 6);
      boolean q = c.linear(p.get(0), h);
      boolean k = c.linear(p.get(1), h);
      boolean v = c.linear(p.get(2), h);
      c.forward += 2 * attention;
      boolean scores = q || k;
      c.activation += (q ? attention : 0) + (k ? attention : 0);
      boolean context = scores || v;
      c.activation += (scores ? attention : 0) + (v ? attention : 0);
      boolean attn = c.linear(p.get(3), context);
      boolean h1 = attn || h || plan.embeddingsTrain();
      boolean inner = c.linear(p.get(4), h1);
      boolean out = c.linear(p.get(5), inner);
      h = out || h1;
    }
    long head = 2L * batch * config.hidden() * classes;
    c.forward += head;
    c.weight += head;
    c.activation += h ? head : 0;
    return new Flops(c.forward, c.activation, c.weight);
  }

  private static final class Counter {
    private final long tokens;
    private long forward;
    private long activation;
    private long weight;

    Counter(long tokens) {
      this.tokens = tokens;
    }

    /** Adds one Linear; returns whether its output requires a gradient. */
    boolean linear(LinearPlan p, boolean inputNeedsGrad) {
      long base = 2 * tokens * p.dIn() * p.dOut();
      long in = 2 * tokens * p.dIn() * p.rank();
      long out = 2 * tokens * p.dOut() * p.rank();
      forward += base;
      switch (p.kind()) {
        case FROZEN -> {
          activation += inputNeedsGrad ? base : 0;
          return inputNeedsGrad;
        }
        case FULL -> {
          weight += base;
          activation += inputNeedsGrad ? base : 0;
          return true;
        }
        case ROW_SLICE -> {
          // y[..., p:p+r] += x D^T: D [r, d_in]; its upstream gradient is a slice of dY
          forward += in;
          weight += in;                            // dD = dY[..., p:p+r]^T x
          activation += inputNeedsGrad ? base + in : 0;   // dX through W and through D
          return true;
        }
        case COLUMN_SLICE -> {
          // y += x[..., p:p+r] D^T: D [d_out, r]; the input window is a view
          forward += out;
          weight += out;                           // dD = dY^T x[..., p:p+r]
          activation += inputNeedsGrad ? base + out : 0;  // dX via W; dX[..., p:p+r] += dY D
          return true;
        }
        case LORA -> {
          // y += s (x A^T) B^T: A [r, d_in], B [d_out, r]
          forward += in + out;
          weight += out + in;                      // dB = dY^T low, dA = dlow^T x
          activation += out;                       // dlow = dY B
          activation += inputNeedsGrad ? base + in : 0;   // dX via W and via A
          return true;
        }
        default -> throw new IllegalStateException(p.kind().toString());
      }
    }
  }
}
