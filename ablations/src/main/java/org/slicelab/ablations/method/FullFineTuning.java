package org.slicelab.ablations.method;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import ai.djl.ndarray.NDArray;
import org.slicelab.ablations.model.Classifier;
import org.slicelab.ablations.train.DenseTrainable;
import org.slicelab.ablations.train.Trainable;

/**
 * Full fine-tuning: every parameter trains (text: embeddings, LayerNorms, Linears, head; vision:
 * kernels, biases, batch-norm scales and shifts, head).
 */
public final class FullFineTuning implements FineTuningMethod {
  /** Default peak learning rate of {@code method = full} (also lottery-ticket rounds). */
  public static final double DEFAULT_LR = 5e-5;
  /** The registration of {@code method = full} (no options of its own). */
  public static final MethodType<MethodSettings.None> TYPE = new MethodType<>("full", DEFAULT_LR,
      List.of(), values -> new MethodSettings.None(LinearTraining.WHOLE_MODEL),
      settings -> new FullFineTuning(), List.of(), MethodType.BenchLabel.plain("full"));

  private final List<Trainable> trainables = new ArrayList<>();

  @Override
  public void attach(Classifier model, MethodContext context) {
    trainables.clear();
    for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
      trainables.add(new DenseTrainable(e.getKey(), e.getValue()));
    }
  }

  @Override
  public List<Trainable> trainables() {
    return List.copyOf(trainables);
  }

  @Override
  public void merge(Classifier model) {
    // nothing to fold: weights were trained in place
  }
}
