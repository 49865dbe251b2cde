package org.slicelab.ablations.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.List;
import org.slicelab.ablations.backbone.DeviceSyncs;
import org.slicelab.ablations.model.Classifier;
import org.slicelab.ablations.model.Examples;

/**
 * One optimizer step of a {@link Classifier} under a {@link TrainingTarget} (a fine-tuning
 * method): batch upload, forward and mean cross-entropy, per-thread autograd backward, AdamW with
 * clipping, and the method's after-step hook (moving slices get fresh optimizer state). Every temporary array of a
 * step lives in its own {@link NDScope} and is freed when the step ends.
 *
 * <p>This is the single training step of the project: {@link TrainingLoop} (trials and the
 * lottery-ticket fine-tune) and the benchmark both drive it, so the benchmark times the code the
 * trials run. Each step's phase times reach the registered {@link Listener}s. All calls must come
 * from one thread.
 */
public final class TrainingStep implements AutoCloseable {
  private final Classifier model;
  private final TrainingTarget method;
  private final NDManager manager;
  private final double weightDecay;
  private final double gradClip;
  private final List<Listener> listeners = new ArrayList<>();
  private AdamW optimizer;
  private long maxStateBytes;
  private int steps;

  /** Receives the timing of every finished step (a hook for benchmarks and logs). */
  @FunctionalInterface
  public interface Listener {
    /** Called after step {@code timing.step()} completed. */
    void stepDone(Timing timing);
  }

  /**
   * What one step did and how long its phases took (nanoseconds).
   *
   * @param step 1-based optimizer step number
   * @param loss mean training loss of the batch
   * @param gradNorm global gradient norm before clipping
   * @param forwardNanos batch upload, forward pass and loss
   * @param backwardNanos autograd backward
   * @param optimizerNanos loss read-back, AdamW update, method hook, freeing the step's arrays
   */
  public record Timing(int step, float loss, float gradNorm, long forwardNanos,
      long backwardNanos, long optimizerNanos) {
    /** The whole step. */
    public long totalNanos() {
      return forwardNanos + backwardNanos + optimizerNanos;
    }
  }

  /**
   * A step over {@code method}'s trainables (already attached to {@code model}); arrays of each
   * batch are created in {@code manager}. The optimizer state is created lazily, after the probe
   * batch if the method needs one.
   */
  public TrainingStep(Classifier model, TrainingTarget method, NDManager manager,
      double weightDecay, double gradClip) {
    Autograd.ensureEngine();
    this.model = model;
    this.method = method;
    this.manager = manager;
    this.weightDecay = weightDecay;
    this.gradClip = gradClip;
  }

  /** Registers a listener for every later step. */
  public TrainingStep addListener(Listener listener) {
    listeners.add(listener);
    return this;
  }

  /**
   * For methods that select from full gradients (SIFT): forward and backward of {@code batch}
   * without an update, then the method's selection, then zeroed gradients. No-op otherwise.
   */
  public void probeIfNeeded(Examples batch) {
    if (!method.needsProbeBatch()) {
      return;
    }
    try (NDScope scope = new NDScope()) {
      forwardBackward(model, batch, manager);
      method.selectFromProbe();
      for (Trainable t : method.trainables()) {
        t.zeroGradient();
      }
      scope.suppressNotUsedWarning();
    }
  }

  /** Creates the optimizer state now (idempotent); returns its size in bytes. */
  public long prepareOptimizer() {
    if (optimizer == null) {
      optimizer = new AdamW(method.trainables(), weightDecay, gradClip);
      maxStateBytes = Math.max(maxStateBytes, optimizer.stateBytes());
    }
    return optimizer.stateBytes();
  }

  /**
   * One training step on {@code batch} at learning rate {@code lr}.
   *
   * @throws TrainingDiverged when the loss is NaN or infinite (no update is applied then)
   */
  public Timing run(Examples batch, double lr) {
    prepareOptimizer();
    long t0 = System.nanoTime();
    long t1;
    long t2;
    float loss;
    float gradNorm;
    try (NDScope scope = new NDScope()) {
      NDArray lossArray;
      Autograd.setRecording(true);
      try {
        lossArray = meanLoss(model, batch, manager);
        t1 = System.nanoTime();
        Autograd.backward(lossArray);
      } finally {
        Autograd.setRecording(false);
      }
      t2 = System.nanoTime();
      // one read-back per step: the loss (NaN check) and every gradient norm (clipping)
      float[] values = DeviceSyncs.readFloats(NDArrays.concat(new NDList(lossArray.reshape(1),
          optimizer.gradientNorms())));
      loss = values[0];
      if (!Float.isFinite(loss)) {
        throw new TrainingDiverged(steps + 1, loss);
      }
      gradNorm = optimizer.step(lr, java.util.Arrays.copyOfRange(values, 1, values.length));
      scope.suppressNotUsedWarning();
    }
    steps++;
    if (method.afterStep(steps)) {
      optimizer.close();
      optimizer = null;
      prepareOptimizer();
    }
    Timing timing = new Timing(steps, loss, gradNorm, t1 - t0, t2 - t1, System.nanoTime() - t2);
    for (Listener l : listeners) {
      l.stepDone(timing);
    }
    return timing;
  }

  /** Optimizer steps taken. */
  public int steps() {
    return steps;
  }

  /** Largest optimizer state held at once, in bytes. */
  public long maxOptimizerStateBytes() {
    return maxStateBytes;
  }

  /**
   * Forward and backward of the mean loss of one batch, with no update; returns the loss and
   * leaves grad mode off. The step's arrays belong to the caller's scope.
   */
  public static float forwardBackward(Classifier model, Examples batch,
      NDManager manager) {
    return forwardBackward(model, batch, manager, () -> { });
  }

  /**
   * {@link #forwardBackward(Classifier, Examples, NDManager)} with {@code betweenPasses}
   * run after the forward pass and before the backward pass (tests use it to show that the
   * recorded graph holds no memory that the JVM may free meanwhile).
   */
  static float forwardBackward(Classifier model, Examples batch, NDManager manager,
      Runnable betweenPasses) {
    Autograd.setRecording(true);
    NDArray loss;
    try {
      loss = meanLoss(model, batch, manager);
      betweenPasses.run();
      Autograd.backward(loss);
    } finally {
      Autograd.setRecording(false);
    }
    return loss.getFloat();
  }

  /** Uploads the batch and computes its mean cross-entropy (records a graph if grad mode is on). */
  private static NDArray meanLoss(Classifier model, Examples batch, NDManager manager) {
    NDList arrays = batch.toArrays(manager);
    NDArray logits = model.logits(Examples.inputs(arrays));
    return Losses.crossEntropy(logits, Examples.labels(arrays)).mean();
  }

  /** Releases the optimizer state (the model and method stay the caller's). */
  @Override
  public void close() {
    if (optimizer != null) {
      optimizer.close();
      optimizer = null;
    }
    Autograd.setRecording(false);
  }
}
