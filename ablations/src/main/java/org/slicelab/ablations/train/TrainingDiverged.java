package org.slicelab.ablations.train;

/** Thrown when the training loss becomes NaN or infinite. */
public final class TrainingDiverged extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The step and loss at which training diverged. */
  public TrainingDiverged(int step, float loss) {
    super("training diverged at step " + step + ": loss = " + loss);
  }
}
