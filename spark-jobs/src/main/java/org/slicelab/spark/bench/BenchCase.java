package org.slicelab.spark.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.Map;
import org.slicelab.ablations.backbone.FloatTensor;
import org.slicelab.ablations.backbone.TextClassifier;
import org.slicelab.ablations.method.FineTuningMethod;
import org.slicelab.ablations.method.MethodContext;
import org.slicelab.ablations.method.Methods;
import org.slicelab.ablations.select.SelectionData;
import org.slicelab.ablations.train.AdamW;
import org.slicelab.ablations.train.Autograd;
import org.slicelab.ablations.train.EncodedDataset;
import org.slicelab.ablations.train.Losses;
import org.slicelab.ablations.train.Trainable;
import org.slicelab.ablations.trial.TrialResources;

/**
 * One method's live training state: its own classifier (from the shared pretrained weights),
 * the attached method and AdamW, in its own NDManager. {@link #step} is one training step done
 * exactly as {@code TrainingLoop.train} does it (batch to arrays, forward and backward with
 * per-thread autograd, AdamW with clipping, all temporaries freed by an {@link NDScope}), with
 * the phases timed separately. All calls must come from one thread.
 */
public final class BenchCase implements AutoCloseable {
  private final BenchMethod method;
  private final NDManager manager;
  private final TextClassifier model;
  private final FineTuningMethod tuning;
  private final double lr;
  private AdamW optimizer;

  /**
   * Phase times of one step, in nanoseconds.
   *
   * @param forwardNanos batch upload, forward pass and loss
   * @param backwardNanos autograd backward
   * @param optimizerNanos loss read-back, AdamW update, freeing the step's arrays
   */
  public record StepTime(long forwardNanos, long backwardNanos, long optimizerNanos) {
    /** The whole step. */
    public long totalNanos() {
      return forwardNanos + backwardNanos + optimizerNanos;
    }
  }

  /**
   * Builds the model, attaches the method and, for SIFT, runs the selection probe on
   * {@code probeBatch} (gradients zeroed after, as the training loop does). The optimizer state
   * is created by {@link #createOptimizer()}.
   */
  public BenchCase(BenchMethod method, EncodedDataset probeBatch) {
    this.method = method;
    Autograd.ensureEngine();
    Autograd.setRecording(false);
    TrialResources resources = TrialResources.shared();
    Map<String, FloatTensor> weights = resources.pretrainedWeights();
    manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    model = TextClassifier.create(manager, resources.config(), weights, 2, method.spec().seed());
    tuning = Methods.create(method.spec());
    tuning.attach(model, new MethodContext(method.spec(), manager, new SelectionData(
        resources.config(), weights, probeBatch, "bench")));
    lr = method.spec().effectiveLr();
    if (tuning.needsProbeBatch()) {
      try (NDScope scope = new NDScope()) {
        forwardBackward(probeBatch);
        tuning.selectFromProbe();
        for (Trainable t : tuning.trainables()) {
          t.zeroGradient();
        }
        scope.suppressNotUsedWarning();
      }
    }
  }

  /** Creates the AdamW state (first and second moments); idempotent. */
  public void createOptimizer() {
    if (optimizer == null) {
      optimizer = new AdamW(tuning.trainables(), method.spec().weightDecay(),
          method.spec().gradClip());
    }
  }

  /** The benchmarked configuration. */
  public BenchMethod method() {
    return method;
  }

  /** The model (for export). */
  public TextClassifier model() {
    return model;
  }

  /** The attached method. */
  public FineTuningMethod tuning() {
    return tuning;
  }

  /** Trainable scalars as the method reports them. */
  public long trainableParams() {
    return tuning.trainableParameterCount();
  }

  /** Optimizer state bytes (AdamW's two float32 moments per trainable scalar). */
  public long optimizerStateBytes() {
    createOptimizer();
    return optimizer.stateBytes();
  }

  /** One timed training step on {@code batch}. */
  public StepTime step(EncodedDataset batch) {
    createOptimizer();
    long t0 = System.nanoTime();
    long t1;
    long t2;
    try (NDScope scope = new NDScope()) {
      NDList arrays = batch.toArrays(manager);
      NDArray loss;
      Autograd.setRecording(true);
      try {
        NDArray logits = model.logits(arrays.get(0), arrays.get(1), arrays.get(2));
        loss = Losses.crossEntropy(logits, arrays.get(3)).mean();
        t1 = System.nanoTime();
        Autograd.backward(loss);
      } finally {
        Autograd.setRecording(false);
      }
      t2 = System.nanoTime();
      float value = loss.getFloat();
      if (!Float.isFinite(value)) {
        throw new IllegalStateException(method.label() + ": loss is " + value);
      }
      optimizer.step(lr);
      scope.suppressNotUsedWarning();
    }
    long t3 = System.nanoTime();
    return new StepTime(t1 - t0, t2 - t1, t3 - t2);
  }

  private void forwardBackward(EncodedDataset batch) {
    NDList arrays = batch.toArrays(manager);
    Autograd.setRecording(true);
    try {
      NDArray logits = model.logits(arrays.get(0), arrays.get(1), arrays.get(2));
      Autograd.backward(Losses.crossEntropy(logits, arrays.get(3)).mean());
    } finally {
      Autograd.setRecording(false);
    }
  }

  @Override
  public void close() {
    if (optimizer != null) {
      optimizer.close();
    }
    manager.close();
  }
}
