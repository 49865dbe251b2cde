package org.slicelab.ablations.method;

import java.util.List;
import org.slicelab.ablations.model.Classifier;
import org.slicelab.ablations.train.DenseTrainable;
import org.slicelab.ablations.train.Trainable;

/** Linear probe: only the classification head trains; the encoder is frozen. */
public final class HeadOnly implements FineTuningMethod {
  /** The registration of {@code method = head} (no options of its own). */
  public static final MethodType<MethodSettings.None> TYPE = new MethodType<>("head", 5e-3,
      List.of(), values -> new MethodSettings.None(LinearTraining.FROZEN_ENCODER),
      settings -> new HeadOnly(), List.of(), MethodType.BenchLabel.plain("head"));

  private List<Trainable> trainables = List.of();

  @Override
  public void attach(Classifier model, MethodContext context) {
    trainables = headTrainables(model);
  }

  /** The head's weight and bias as dense trainables (shared by methods that train the head). */
  static List<Trainable> headTrainables(Classifier model) {
    return List.of(
        new DenseTrainable(Classifier.HEAD + ".weight", model.head().weight()),
        new DenseTrainable(Classifier.HEAD + ".bias", model.head().bias()));
  }

  @Override
  public List<Trainable> trainables() {
    return trainables;
  }

  @Override
  public void merge(Classifier model) {
    // nothing to fold: the head's arrays were trained in place
  }
}
