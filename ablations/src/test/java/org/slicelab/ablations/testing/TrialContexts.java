package org.slicelab.ablations.testing;

import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.slicelab.ablations.backbone.FloatTensor;
import org.slicelab.ablations.backbone.TextClassifier;
import org.slicelab.ablations.method.MaskedFullFineTuning;
import org.slicelab.ablations.method.MethodContext;
import org.slicelab.ablations.model.ClassifierFactory;
import org.slicelab.ablations.model.Examples;
import org.slicelab.ablations.select.SelectionContext;
import org.slicelab.ablations.select.SelectionData;
import org.slicelab.ablations.select.SelectorSettings;
import org.slicelab.ablations.select.SliceWindow;
import org.slicelab.ablations.train.EncodedDataset;
import org.slicelab.ablations.train.TrainingOptions;
import org.slicelab.ablations.trial.TrialSpec;

/** The contexts a trial gives its method and selectors, built from a spec for tests. */
public final class TrialContexts {
  private TrialContexts() {
  }

  /** The spec's training settings at its effective learning rate. */
  public static TrainingOptions training(TrialSpec spec) {
    return new TrainingOptions(spec.epochs(), spec.batchSize(), spec.effectiveLr(),
        spec.warmupFraction(), spec.weightDecay(), spec.gradClip(), spec.seed());
  }

  /** Selection data of the tiny model over {@code data}, with cache key {@code key}. */
  public static SelectionData data(TrialSpec spec, Map<String, FloatTensor> weights,
      EncodedDataset data, String key) {
    return data(spec, (manager, classes, headSeed) -> TextClassifier.create(manager,
        TinyModels.CONFIG, weights, classes, headSeed), data, key);
  }

  /** Selection data of any model ({@code classifiers}) over {@code data}, with key {@code key}. */
  public static SelectionData data(TrialSpec spec, ClassifierFactory classifiers, Examples data,
      String key) {
    return new SelectionData(classifiers, data, key, spec.dataSeed(), spec.trainSize(),
        spec.maxLen());
  }

  /** What a selector gets in a trial of {@code spec}. */
  public static SelectionContext selection(TrialSpec spec, NDManager manager,
      SelectionData data) {
    return new SelectionContext(new SliceWindow((Integer) spec.get("rank"),
        (String) spec.get("position")), SelectorSettings.from(spec.toMap()), training(spec),
        manager, data, MaskedFullFineTuning.LOTTERY_TICKET_ROUNDS);
  }

  /** What a method gets in a trial of {@code spec}. */
  public static MethodContext method(TrialSpec spec, NDManager manager, SelectionData data) {
    return new MethodContext(manager, data, training(spec));
  }
}
