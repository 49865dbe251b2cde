package org.slicelab.ablations.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.slicelab.ablations.backbone.Backbone;
import org.slicelab.ablations.backbone.FloatTensor;
import org.slicelab.ablations.method.FineTuningMethod;
import org.slicelab.ablations.method.MethodContext;
import org.slicelab.ablations.model.Classifier;
import org.slicelab.ablations.model.Examples;
import org.slicelab.ablations.select.SelectionData;
import org.slicelab.ablations.train.Autograd;
import org.slicelab.ablations.train.TrainingDiverged;
import org.slicelab.ablations.train.TrainingOptions;
import org.slicelab.ablations.train.TrainingStep;
import org.slicelab.ablations.trial.TrialResources;
import org.slicelab.ablations.trial.TrialSpec;

/**
 * One method's live training state: its own classifier (from its backbone's shared weights),
 * the attached method and its {@link TrainingStep} (the step trials run, with AdamW), in its own
 * NDManager. {@link #step} runs one real training step and returns its phase times. All calls
 * must come from one thread.
 */
public final class BenchCase implements AutoCloseable {
  private final BenchMethod method;
  private final NDManager manager;
  private final Backbone backbone;
  private final Classifier model;
  private final FineTuningMethod tuning;
  private final TrainingStep trainingStep;
  private final double lr;

  /**
   * Builds the model with a head of {@code numClasses} outputs, attaches the method and, for
   * SIFT, runs the selection probe on {@code probeBatch} (as the training loop does). The
   * optimizer state is created by {@link #createOptimizer()}.
   */
  public BenchCase(BenchMethod method, Examples probeBatch, int numClasses) {
    this(method, probeBatch, numClasses, Device.cpu());
  }

  /** As {@link #BenchCase(BenchMethod, Examples, int)}, with every array on {@code device}. */
  public BenchCase(BenchMethod method, Examples probeBatch, int numClasses, Device device) {
    this.method = method;
    Autograd.ensureEngine();
    Autograd.setRecording(false);
    backbone = TrialResources.shared().backbone(method.spec().backbone());
    Map<String, FloatTensor> weights = backbone.weights();
    manager = NDManager.newBaseManager(device, "PyTorch");
    model = backbone.create(manager, weights, numClasses, method.spec().seed());
    TrialSpec spec = method.spec();
    lr = spec.effectiveLr();
    tuning = spec.newMethod();
    tuning.attach(model, new MethodContext(manager, new SelectionData(
        (m, classes, headSeed) -> backbone.create(m, weights, classes, headSeed), probeBatch, "bench", spec.dataSeed(), spec.trainSize(), spec.maxLen()),
        new TrainingOptions(spec.epochs(), spec.batchSize(), lr, spec.warmupFraction(),
            spec.weightDecay(), spec.gradClip(), spec.seed())));
    trainingStep = new TrainingStep(model, tuning, manager, method.spec().weightDecay(),
        method.spec().gradClip());
    trainingStep.probeIfNeeded(probeBatch);
  }

  /** Creates the AdamW state (first and second moments); idempotent. */
  public void createOptimizer() {
    trainingStep.prepareOptimizer();
  }

  /** The benchmarked configuration. */
  public BenchMethod method() {
    return method;
  }

  /** The model (for export). */
  public Classifier model() {
    return model;
  }

  /** The backbone the model was built from (for export). */
  public Backbone backbone() {
    return backbone;
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
    return trainingStep.prepareOptimizer();
  }

  /** One timed training step on {@code batch} (the trials' step, at the method's learning rate). */
  public TrainingStep.Timing step(Examples batch) {
    try {
      return trainingStep.run(batch, lr);
    } catch (TrainingDiverged e) {
      throw new IllegalStateException(method.label() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    trainingStep.close();
    manager.close();
  }
}
