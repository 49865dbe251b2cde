package org.slicelab.ablations.trial;

import org.slicelab.ablations.backbone.Backbone;
import org.slicelab.ablations.backbone.Backbones;
import org.slicelab.ablations.backbone.BertConfig;
import org.slicelab.ablations.backbone.TextBackbone;
import org.slicelab.ablations.model.Architecture;
import org.slicelab.ablations.data.Dataset;
import org.slicelab.ablations.data.DatasetSplits;
import org.slicelab.ablations.data.Datasets;

/**
 * Checks a {@link TrialSpec} against the backbone's shapes and the data's split sizes before any
 * work starts (the command line and the sweep driver call it), so a configuration error is
 * reported at once with the option's name and what is allowed.
 */
public final class TrialValidator {
  private TrialValidator() {
  }

  /** Throws {@link IllegalArgumentException} naming the option when {@code spec} cannot run. */
  public static void check(TrialSpec spec) {
    Backbone backbone = Backbones.get(spec.backbone());
    if (backbone instanceof TextBackbone text
        && spec.maxLen() > text.config().maxSequenceLength()) {
      throw new IllegalArgumentException("trial option 'max_len' = " + spec.maxLen()
          + " is invalid: must be at most " + text.config().maxSequenceLength() + " (the maximum "
          + "sequence length of backbone '" + spec.backbone() + "')");
    }
    Dataset dataset = Datasets.get(spec.dataset());
    checkShapes(spec, backbone.architecture(), dataset.labelNames().size());
    DatasetSplits splits = dataset.splits();
    limit("train_size", spec.trainSize(), splits.train().size(), "the training split");
    limit("val_size", spec.valSize(), splits.validation().size(), "the validation split");
    limit("test_size", spec.testSize(), splits.test().size(), "the test split");
  }

  /** The shape checks alone (no data needed), for a two-class head. */
  public static void checkShapes(TrialSpec spec, BertConfig config) {
    checkShapes(spec, Architecture.ofLinears(config.linearShapes(), config.hidden()), 2);
  }

  /**
   * The shape checks alone, for a head with {@code numClasses} outputs: the method's
   * cross-option checks (it is created), then its settings' checks against the backbone.
   */
  public static void checkShapes(TrialSpec spec, Architecture architecture, int numClasses) {
    spec.newMethod();
    spec.methodSettings().checkShapes(architecture, numClasses);
  }

  private static void limit(String option, int value, int max, String what) {
    if (value > max) {
      throw new IllegalArgumentException("trial option '" + option + "' = " + value
          + " is invalid: must be at most " + max + " (" + what + ")");
    }
  }
}
