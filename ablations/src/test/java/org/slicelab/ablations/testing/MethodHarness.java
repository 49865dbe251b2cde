package org.slicelab.ablations.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.slicelab.ablations.backbone.FloatTensor;
import org.slicelab.ablations.backbone.TextClassifier;
import org.slicelab.ablations.method.FineTuningMethod;
import org.slicelab.ablations.model.WeightLayer;
import org.slicelab.ablations.train.Autograd;
import org.slicelab.ablations.train.EncodedDataset;
import org.slicelab.ablations.train.TrainingLoop;
import org.slicelab.ablations.train.TrainingOptions;
import org.slicelab.ablations.trial.TrialSpec;

/** Attaches a method to a tiny model and trains it for a few steps. */
public final class MethodHarness implements TrainingHarness {
  public final NDManager manager = NDManager.newBaseManager("PyTorch");
  public final TextClassifier model;
  public final Map<String, FloatTensor> before;
  public final EncodedDataset data;
  public final FineTuningMethod method;
  public final TrialSpec spec;

  /** A tiny model (seed 3) with {@code spec}'s method attached and {@code n} examples of data. */
  public MethodHarness(TrialSpec spec, int n) {
    Autograd.ensureEngine();
    Autograd.setRecording(false);
    this.spec = spec;
    model = TinyModels.classifier(manager, 3);
    before = model.toHost();
    data = TinyModels.data(n, 12, 5);
    method = spec.newMethod();
    method.attach(model, TrialContexts.method(spec, manager,
        TrialContexts.data(spec, TinyModels.weights(TinyModels.CONFIG, 3), data, "tiny")));
  }

  /** Trains one epoch in batches of {@code batch} with learning rate {@code lr}. */
  public void train(int batch, double lr) {
    TrainingLoop.train(model, method, data, manager,
        new TrainingOptions(1, batch, lr, 0.0, 0.0, 0.0, 11));
  }

  /** Logits of the first {@code n} examples, as floats. */
  public float[] logits(int n) {
    Autograd.setRecording(false);
    NDList batch = data.range(0, n).toArrays(manager);
    NDArray logits = model.logits(batch.get(0), batch.get(1), batch.get(2));
    return logits.toFloatArray();
  }

  /** Forward on {@code x}, back-propagates {@code upstream}; returns the outputs. */
  public static float[] forwardBackward(WeightLayer layer, NDArray x, NDArray upstream) {
    Autograd.setRecording(true);
    try {
      NDArray y = layer.forward(x);
      Autograd.backward(y.mul(upstream).sum());
      return y.toFloatArray();
    } finally {
      Autograd.setRecording(false);
    }
  }

  /** Fails unless {@code actual} is within 1e-4 of {@code expected} everywhere. */
  public static void assertClose(float[] expected, float[] actual, String what) {
    double diff = maxDiff(expected, actual);
    assertTrue(diff < 1e-4, what + " differ by " + diff);
  }

  /** Largest absolute difference. */
  public static double maxDiff(float[] a, float[] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  @Override
  public TextClassifier model() {
    return model;
  }

  @Override
  public EncodedDataset data() {
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
