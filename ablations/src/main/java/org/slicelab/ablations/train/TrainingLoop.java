package org.slicelab.ablations.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.slicelab.ablations.backbone.TextClassifier;

/**
 * Mini-batch training of a {@link TextClassifier} under a {@link TrainingTarget} (a fine-tuning
 * method): seeded shuffling, AdamW, linear warm-up then decay, gradient clipping, per-thread
 * autograd. Each step runs in its own {@link NDScope}, so every temporary array is freed when the
 * step ends.
 */
public final class TrainingLoop {
  private TrainingLoop() {
  }

  /** Trains in place and reports what happened; throws {@link TrainingDiverged} on NaN loss. */
  public static TrainingOutcome train(TextClassifier model, TrainingTarget method,
      EncodedDataset data, NDManager manager, TrainingOptions options) {
    Autograd.ensureEngine();
    int stepsPerEpoch = (data.size() + options.batchSize() - 1) / options.batchSize();
    int totalSteps = stepsPerEpoch * options.epochs();
    LearningRateSchedule schedule =
        LearningRateSchedule.of(options.lr(), totalSteps, options.warmupFraction());
    Random shuffler = new Random(options.seed());
    List<CurvePoint> curve = new ArrayList<>();
    List<Double> stepMillis = new ArrayList<>();
    long start = System.nanoTime();
    if (method.needsProbeBatch()) {
      probe(model, method, data.range(0, Math.min(data.size(), options.batchSize())), manager);
    }
    AdamW optimizer = new AdamW(method.trainables(), options.weightDecay(), options.gradClip());
    long maxStateBytes = optimizer.stateBytes();
    int step = 0;
    double epochLoss = 0;
    try {
      for (int epoch = 0; epoch < options.epochs(); epoch++) {
        int[] order = permutation(data.size(), shuffler);
        epochLoss = 0;
        for (int from = 0; from < data.size(); from += options.batchSize()) {
          int to = Math.min(data.size(), from + options.batchSize());
          EncodedDataset batch = data.select(java.util.Arrays.copyOfRange(order, from, to));
          double lr = schedule.at(step);
          long t0 = System.nanoTime();
          float loss;
          float gradNorm;
          try (NDScope scope = new NDScope()) {
            loss = forwardBackward(model, batch, manager);
            if (!Float.isFinite(loss)) {
              throw new TrainingDiverged(step + 1, loss);
            }
            gradNorm = optimizer.step(lr);
            scope.suppressNotUsedWarning();
          }
          step++;
          if (method.afterStep(step)) {
            optimizer.close();
            optimizer = new AdamW(method.trainables(), options.weightDecay(),
                options.gradClip());
            maxStateBytes = Math.max(maxStateBytes, optimizer.stateBytes());
          }
          stepMillis.add((System.nanoTime() - t0) / 1e6);
          epochLoss += loss * (to - from);
          curve.add(new CurvePoint(step, epoch, "train", "loss", loss));
          curve.add(new CurvePoint(step, epoch, "train", "lr", lr));
          curve.add(new CurvePoint(step, epoch, "train", "grad_norm", gradNorm));
        }
      }
    } finally {
      optimizer.close();
      Autograd.setRecording(false);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new TrainingOutcome(step, epochLoss / data.size(), seconds, stepMillis,
        maxStateBytes, curve);
  }

  /** Forward and backward of the mean loss of one batch; returns the loss. Leaves grad mode off. */
  public static float forwardBackward(TextClassifier model, EncodedDataset batch,
      NDManager manager) {
    NDList arrays = batch.toArrays(manager);
    Autograd.setRecording(true);
    NDArray loss;
    try {
      NDArray logits = model.logits(arrays.get(0), arrays.get(1), arrays.get(2));
      loss = Losses.crossEntropy(logits, arrays.get(3)).mean();
      Autograd.backward(loss);
    } finally {
      Autograd.setRecording(false);
    }
    return loss.getFloat();
  }

  private static void probe(TextClassifier model, TrainingTarget method, EncodedDataset batch,
      NDManager manager) {
    try (NDScope scope = new NDScope()) {
      forwardBackward(model, batch, manager);
      method.selectFromProbe();
      for (Trainable t : method.trainables()) {
        t.zeroGradient();
      }
      scope.suppressNotUsedWarning();
    }
  }

  private static int[] permutation(int n, Random random) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
    return order;
  }
}
