package org.slicelab.ablations.trial;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slicelab.ablations.backbone.Backbone;
import org.slicelab.ablations.backbone.FloatTensor;
import org.slicelab.ablations.method.FineTuningMethod;
import org.slicelab.ablations.method.MethodContext;
import org.slicelab.ablations.model.Classifier;
import org.slicelab.ablations.model.ClassifierFactory;
import org.slicelab.ablations.select.SelectionData;
import org.slicelab.ablations.train.Autograd;
import org.slicelab.ablations.train.ClassificationMetrics;
import org.slicelab.ablations.train.Evaluation;
import org.slicelab.ablations.train.Evaluator;
import org.slicelab.ablations.train.TrainingDiverged;
import org.slicelab.ablations.train.TrainingLoop;
import org.slicelab.ablations.train.TrainingOptions;
import org.slicelab.ablations.train.TrainingOutcome;

/**
 * Runs one trial: builds the classifier from the (shared) pretrained weights, attaches the
 * method, trains, merges, evaluates on validation and test, and optionally saves the model.
 * Every exception becomes a {@link TrialResult} with status FAILED (or DIVERGED); nothing is
 * thrown. Safe to call from several threads at once.
 */
public final class TrialRunner {
  /** SliceLab's version, for provenance. */
  public static final String VERSION = "0.1.0-SNAPSHOT";

  private final TrialResources resources;

  /** A runner over the JVM-wide shared resources. */
  public TrialRunner() {
    this(TrialResources.shared());
  }

  /** A runner over the given resources. */
  public TrialRunner(TrialResources resources) {
    this.resources = resources;
  }

  /** Runs on CPU without saving. */
  public TrialResult run(TrialSpec spec) {
    return run(spec, Device.cpu(), null);
  }

  /**
   * Runs {@code spec} on {@code device}; when {@code saveModel} is not null the merged model is
   * written there as safetensors + config.json.
   */
  public TrialResult run(TrialSpec spec, Device device, Path saveModel) {
    if (spec.fault().equals("exit")) {
      // a crash of the JVM as the trial starts, as a native fault or an OOM kill would end it
      Runtime.getRuntime().halt(TrialSpec.FAULT_EXIT_CODE);
    }
    Map<String, Object> metrics = new LinkedHashMap<>();
    Map<String, String> provenance = Provenance.of(device);
    long start = System.nanoTime();
    try (NDManager manager = NDManager.newBaseManager(device, "PyTorch")) {
      Autograd.setRecording(false);
      if (spec.fault().equals("cuda")) {
        // as libtorch reports a kernel's illegal memory access (DJL wraps it the same way)
        throw new EngineException("CUDA error: an illegal memory access was encountered\n"
            + "CUDA kernel errors might be asynchronously reported at some other API call "
            + "(injected: fault = cuda)");
      }
      TrialResources.TaskData data = resources.taskData(spec);
      Backbone backbone = resources.backbone(spec.backbone());
      Provenance.addInputs(provenance, backbone, data);
      Map<String, FloatTensor> weights = spec.init().equals("random")
          ? backbone.randomLike(spec.seed()) : backbone.weights();
      Classifier model = backbone.create(manager, weights, data.numClasses(), spec.seed());
      TrainingOptions training = trainingOptions(spec);
      FineTuningMethod method = spec.newMethod();
      method.attach(model, methodContext(spec, backbone, data, manager));
      new DataSizes(data.train().size(), data.validation().size(), data.test().size())
          .addTo(metrics);
      metrics.put("trainable_params", method.trainableParameterCount());
      injectFault(spec, model);
      metrics.put("setup_seconds", seconds(start));

      TrainingOutcome outcome = TrainingLoop.train(model, method, data.train(), manager,
          training);
      method.merge(model);

      long evalStart = System.nanoTime();
      Evaluation valEval = Evaluator.predict(model, data.validation(), 64, manager);
      Evaluation testEval = Evaluator.predict(model, data.test(), 64, manager);
      ClassificationMetrics val = valEval.metrics();
      ClassificationMetrics test = testEval.metrics();
      List<SplitPredictions> predictions = List.of(
          SplitPredictions.of("validation", data.validationIds(),
              provenance.get(TrialResources.VALIDATION_FINGERPRINT), data.validation().labels(),
              valEval),
          SplitPredictions.of("test", data.testIds(),
              provenance.get(TrialResources.TEST_FINGERPRINT), data.test().labels(), testEval));
      metrics.put("val_acc", val.accuracy());
      metrics.put("val_f1", val.macroF1());
      metrics.put("val_loss", val.loss());
      metrics.put("test_acc", test.accuracy());
      metrics.put("test_f1", test.macroF1());
      metrics.put("test_loss", test.loss());
      metrics.put("train_loss", outcome.finalTrainLoss());
      metrics.put("total_params", model.parameterCount());
      metrics.put("optimizer_state_bytes", outcome.optimizerStateBytes());
      metrics.put("steps", outcome.steps());
      metrics.put("train_seconds", outcome.trainSeconds());
      metrics.put("eval_seconds", seconds(evalStart));
      metrics.put("median_step_ms", outcome.medianStepMillis());
      metrics.put("examples_per_second",
          outcome.trainSeconds() > 0
              ? (double) data.train().size() * spec.epochs() / outcome.trainSeconds() : 0.0);
      if (saveModel != null) {
        metrics.put("saved_bytes", backbone.save(model, saveModel, data.labelNames(),
            Map.of("trial_id", spec.trialId(), "spec", spec.toJson())));
      }
      metrics.put("trial_seconds", seconds(start));
      var curves = new java.util.ArrayList<>(outcome.curve());
      curves.add(new org.slicelab.ablations.train.CurvePoint(outcome.steps(), spec.epochs() - 1,
          "validation", "accuracy", val.accuracy()));
      curves.add(new org.slicelab.ablations.train.CurvePoint(outcome.steps(), spec.epochs() - 1,
          "test", "accuracy", test.accuracy()));
      return new TrialResult(spec, TrialStatus.OK, null, metrics, curves, provenance,
          predictions);
    } catch (TrainingDiverged e) {
      metrics.put("trial_seconds", seconds(start));
      return TrialResult.failure(spec, TrialStatus.DIVERGED, e, metrics, provenance);
    } catch (RuntimeException | Error e) {
      metrics.put("trial_seconds", seconds(start));
      return TrialResult.failure(spec, TrialStatus.FAILED, e, metrics, provenance);
    }
  }

  /** The trial's training settings (epochs, batch size, learning rate, seed, ...). */
  public static TrainingOptions trainingOptions(TrialSpec spec) {
    return new TrainingOptions(spec.epochs(), spec.batchSize(), spec.effectiveLr(),
        spec.warmupFraction(), spec.weightDecay(), spec.gradClip(), spec.seed());
  }

  /**
   * What the trial's method attaches with: {@code manager}, the selection data (training
   * examples, a factory of pretrained classifiers, the cache key) and the training settings.
   */
  public static MethodContext methodContext(TrialSpec spec, Backbone backbone,
      TrialResources.TaskData data, NDManager manager) {
    // lottery-ticket rounds rewind to the pretrained weights, whatever the trial's init
    ClassifierFactory pretrained = (m, classes, headSeed) -> backbone.create(m,
        backbone.weights(), classes, headSeed);
    return new MethodContext(manager, new SelectionData(pretrained, data.train(),
        data.dataChecksum().substring(0, 12) + "-" + backbone.weightsSha256().substring(0, 12),
        spec.dataSeed(), data.train().size(), spec.maxLen()), trainingOptions(spec));
  }

  private static void injectFault(TrialSpec spec, Classifier model) {
    switch (spec.fault()) {
      case "throw" -> throw new IllegalStateException("injected fault (fault = throw)");
      case "nan" -> model.head().bias().muli(Float.NaN);
      case "sleep" -> {
        try {
          Thread.sleep(3_600_000L);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while sleeping (fault = sleep)", e);
        }
      }
      default -> {
      }
    }
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
