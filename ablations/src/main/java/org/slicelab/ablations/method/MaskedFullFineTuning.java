package org.slicelab.ablations.method;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.slicelab.ablations.model.Classifier;
import org.slicelab.ablations.select.MaskedTraining;
import org.slicelab.ablations.train.Autograd;
import org.slicelab.ablations.train.Trainable;
import org.slicelab.ablations.train.TrainingTarget;

/**
 * Full fine-tuning under a fixed mask: after every optimizer step the masked entries of the
 * targeted weights are set back to zero (in place, autograd off), so the masked network is what
 * trains. Trainables never change, so the optimizer state is kept. Lottery-ticket pruning trains
 * each round this way ({@link #LOTTERY_TICKET_ROUNDS}).
 */
public final class MaskedFullFineTuning implements FineTuningMethod {
  /**
   * The masked training of lottery-ticket rounds, at the default learning rate of
   * {@code method = full} ({@link FullFineTuning#DEFAULT_LR}).
   */
  public static final MaskedTraining LOTTERY_TICKET_ROUNDS = new MaskedTraining() {
    @Override
    public double learningRate() {
      return FullFineTuning.DEFAULT_LR;
    }

    @Override
    public TrainingTarget attach(Classifier model, List<NDArray> weights,
        List<NDArray> masks) {
      MaskedFullFineTuning method = new MaskedFullFineTuning(weights, masks);
      method.attach(model, null);
      return method;
    }
  };

  private final FullFineTuning full = new FullFineTuning();
  private final List<NDArray> weights;
  private final List<NDArray> masks;

  /** Keeps {@code weights} zero where {@code masks} (same shapes, 0 or 1) is 0. */
  public MaskedFullFineTuning(List<NDArray> weights, List<NDArray> masks) {
    if (weights.size() != masks.size()) {
      throw new IllegalArgumentException(weights.size() + " weights but " + masks.size()
          + " masks");
    }
    this.weights = List.copyOf(weights);
    this.masks = List.copyOf(masks);
  }

  /** Trains every parameter of {@code model}; the context is not used. */
  @Override
  public void attach(Classifier model, MethodContext context) {
    full.attach(model, context);
  }

  @Override
  public List<Trainable> trainables() {
    return full.trainables();
  }

  @Override
  public boolean afterStep(int stepsDone) {
    boolean recording = Autograd.isRecording();
    Autograd.setRecording(false);
    try {
      for (int i = 0; i < weights.size(); i++) {
        weights.get(i).muli(masks.get(i));
      }
    } finally {
      Autograd.setRecording(recording);
    }
    return false;
  }

  @Override
  public void merge(Classifier model) {
    full.merge(model);
  }
}
