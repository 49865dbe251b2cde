package org.slicelab.ablations.trial;

import java.util.Set;
import org.slicelab.ablations.backbone.Backbone;
import org.slicelab.ablations.backbone.Backbones;
import org.slicelab.ablations.backbone.BertConfig;
import org.slicelab.ablations.backbone.TextBackbone;
import org.slicelab.ablations.backbone.VisionBackbone;
import org.slicelab.ablations.data.Dataset;
import org.slicelab.ablations.data.Datasets;
import org.slicelab.ablations.model.Architecture;

/**
 * Checks a {@link TrialSpec} against the backbone's shapes and the data's split sizes before any
 * work starts (the command line and the sweep driver call it), so a configuration error is
 * reported at once with the option's name and what is allowed.
 */
public final class TrialValidator {

  private TrialValidator() {
  }

  /**
   * Throws {@link IllegalArgumentException} naming the option when {@code spec} cannot run; a
   * data size at its default counts as not given (it is capped at its split, see
   * {@link DataSizes}).
   */
  public static void check(TrialSpec spec) {
    check(spec, Set.of());
  }

  /**
   * As {@link #check(TrialSpec)}, with the options the user set explicitly: a data size among
   * them must fit its split even when it equals the default.
   */
  public static void check(TrialSpec spec, Set<String> given) {
    Backbone backbone = Backbones.get(spec.backbone());
    if (backbone instanceof TextBackbone text
        && spec.maxLen() > text.config().maxSequenceLength()) {
      throw new IllegalArgumentException("trial option 'max_len' = " + spec.maxLen()
          + " is invalid: must be at most " + text.config().maxSequenceLength() + " (the "
          + "maximum sequence length of backbone '" + spec.backbone() + "')");
    }
    Dataset<?> dataset = Datasets.get(spec.dataset());
    TrialResources.checkModalities(spec, backbone, dataset);
    if (backbone instanceof VisionBackbone vision) {
      vision.input(spec.imageSize());
    }
    checkShapes(spec, backbone.architecture(), dataset.labelNames().size());
    DataSizes.check(spec, dataset.splits(), given);
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
}
