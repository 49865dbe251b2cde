package org.slicelab.ablations.method;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import ai.djl.ndarray.NDArray;
import org.slicelab.ablations.backbone.TextClassifier;
import org.slicelab.ablations.train.DenseTrainable;
import org.slicelab.ablations.train.Trainable;

/** Full fine-tuning: every parameter (embeddings, LayerNorms, Linears, head) trains. */
public final class FullFineTuning implements FineTuningMethod {
  private final List<Trainable> trainables = new ArrayList<>();

  @Override
  public void attach(TextClassifier model, MethodContext context) {
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
  public void merge(TextClassifier model) {
    // nothing to fold: weights were trained in place
  }
}
