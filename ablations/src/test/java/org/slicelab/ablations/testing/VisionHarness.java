package org.slicelab.ablations.testing;

import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.slicelab.ablations.backbone.vision.ImageClassifier;
import org.slicelab.ablations.backbone.vision.KerasBackbone;
import org.slicelab.ablations.data.image.ImageExamples;
import org.slicelab.ablations.method.FineTuningMethod;
import org.slicelab.ablations.model.Examples;
import org.slicelab.ablations.train.Autograd;
import org.slicelab.ablations.train.TrainingLoop;
import org.slicelab.ablations.train.TrainingOptions;
import org.slicelab.ablations.trial.TrialSpec;

/**
 * Attaches a method to the {@link TinyCnn} and trains it for a few steps: the vision
 * counterpart of {@link MethodHarness}.
 */
public final class VisionHarness implements TrainingHarness {
  public final NDManager manager = NDManager.newBaseManager("PyTorch");
  public final KerasBackbone backbone;
  public final ImageClassifier model;
  /** Every array before the method was attached ({@link TinyCnn#snapshot}). */
  public final Map<String, float[]> before;
  public final ImageExamples data;
  public final FineTuningMethod method;
  public final TrialSpec spec;

  /** The tiny CNN (head seed 3) with {@code spec}'s method attached and {@code n} images. */
  public VisionHarness(KerasBackbone backbone, TrialSpec spec, int n) {
    Autograd.ensureEngine();
    Autograd.setRecording(false);
    this.backbone = backbone;
    this.spec = spec;
    model = fresh();
    before = TinyCnn.snapshot(model);
    data = TinyCnn.images(n, 5);
    method = spec.newMethod();
    try {
      method.attach(model, TrialContexts.method(spec, manager,
          TrialContexts.data(spec, TinyCnn.classifiers(backbone), data, "tiny-cnn")));
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** A fresh classifier as this harness built its own (before any method). */
  public ImageClassifier fresh() {
    return backbone.create(manager, backbone.weights(), TinyCnn.CLASSES, 3);
  }

  /** Trains one epoch in batches of {@code batch} with learning rate {@code lr}. */
  public void train(int batch, double lr) {
    TrainingLoop.train(model, method, data, manager,
        new TrainingOptions(1, batch, lr, 0.0, 0.0, 0.0, 11));
  }

  /** Logits of the first {@code n} images, as floats. */
  public float[] logits(int n) {
    Autograd.setRecording(false);
    return model.logits(Examples.inputs(data.range(0, n).toArrays(manager))).toFloatArray();
  }

  @Override
  public ImageClassifier model() {
    return model;
  }

  @Override
  public ImageExamples data() {
    return data;
  }

  @Override
  public NDManager manager() {
    return manager;
  }

  @Override
  public FineTuningMethod method() {
    return method;
  }

  @Override
  public void close() {
    manager.close();
  }
}
