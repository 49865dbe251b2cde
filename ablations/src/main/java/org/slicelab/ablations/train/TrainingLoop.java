package org.slicelab.ablations.train;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.slicelab.ablations.model.Classifier;
import org.slicelab.ablations.model.Examples;

/**
 * Mini-batch training of a {@link Classifier} under a {@link TrainingTarget} (a fine-tuning
 * method): seeded shuffling, linear warm-up then decay, and one {@link TrainingStep} per batch
 * (AdamW, gradient clipping, per-thread autograd, every temporary freed when the step ends).
 */
public final class TrainingLoop {
  private TrainingLoop() {
  }

  /** Trains in place and reports what happened; throws {@link TrainingDiverged} on NaN loss. */
  public static TrainingOutcome train(Classifier model, TrainingTarget method,
      Examples data, NDManager manager, TrainingOptions options) {
    int stepsPerEpoch = (data.size() + options.batchSize() - 1) / options.batchSize();
    int totalSteps = stepsPerEpoch * options.epochs();
    LearningRateSchedule schedule =
        LearningRateSchedule.of(options.lr(), totalSteps, options.warmupFraction());
    Random shuffler = new Random(options.seed());
    List<CurvePoint> curve = new ArrayList<>();
    List<Double> stepMillis = new ArrayList<>();
    long start = System.nanoTime();
    double epochLoss = 0;
    try (TrainingStep step = new TrainingStep(model, method, manager, options.weightDecay(),
        options.gradClip())) {
      step.probeIfNeeded(data.range(0, Math.min(data.size(), options.batchSize())));
      step.prepareOptimizer();
      for (int epoch = 0; epoch < options.epochs(); epoch++) {
        int[] order = permutation(data.size(), shuffler);
        epochLoss = 0;
        for (int from = 0; from < data.size(); from += options.batchSize()) {
          int to = Math.min(data.size(), from + options.batchSize());
          Examples batch = data.select(Arrays.copyOfRange(order, from, to));
          double lr = schedule.at(step.steps());
          TrainingStep.Timing t = step.run(batch, lr);
          stepMillis.add(t.totalNanos() / 1e6);
          epochLoss += t.loss() * (to - from);
          curve.add(new CurvePoint(t.step(), epoch, "train", "loss", t.loss()));
          curve.add(new CurvePoint(t.step(), epoch, "train", "lr", lr));
          curve.add(new CurvePoint(t.step(), epoch, "train", "grad_norm", t.gradNorm()));
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      return new TrainingOutcome(step.steps(), epochLoss / data.size(), seconds, stepMillis,
          step.maxOptimizerStateBytes(), curve);
    }
  }

  /**
   * Forward and backward of the mean loss of one batch; returns the loss. Leaves grad mode off.
   * Same as {@link TrainingStep#forwardBackward}.
   */
  public static float forwardBackward(Classifier model, Examples batch,
      NDManager manager) {
    return TrainingStep.forwardBackward(model, batch, manager);
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
