package org.slicelab.ablations.trial;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slicelab.ablations.backbone.Backbones;
import org.slicelab.ablations.backbone.BertConfig;
import org.slicelab.ablations.backbone.LinearLayer;
import org.slicelab.ablations.data.DatasetSplits;
import org.slicelab.ablations.data.Dataset;
import org.slicelab.ablations.data.Datasets;
import org.slicelab.ablations.method.LayerPatterns;
import org.slicelab.ablations.method.Methods;

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
    BertConfig config = Backbones.get(spec.backbone()).config();
    if (spec.maxLen() > config.maxSequenceLength()) {
      throw new IllegalArgumentException("trial option 'max_len' = " + spec.maxLen()
          + " is invalid: must be at most " + config.maxSequenceLength() + " (the maximum "
          + "sequence length of backbone '" + spec.backbone() + "')");
    }
    Dataset dataset = Datasets.get(spec.dataset());
    checkShapes(spec, config, dataset.labelNames().size());
    DatasetSplits splits = dataset.splits();
    limit("train_size", spec.trainSize(), splits.train().size(), "the training split");
    limit("val_size", spec.valSize(), splits.validation().size(), "the validation split");
    limit("test_size", spec.testSize(), splits.test().size(), "the test split");
  }

  /** The shape checks alone (no data needed), for a two-class head. */
  public static void checkShapes(TrialSpec spec, BertConfig config) {
    checkShapes(spec, config, 2);
  }

  /** The shape checks alone, for a head with {@code numClasses} outputs. */
  public static void checkShapes(TrialSpec spec, BertConfig config, int numClasses) {
    Methods.create(spec);
    if (!spec.method().equals("slicefine") && !spec.method().equals("lora")
        && !spec.method().equals("sift")) {
      return;
    }
    Map<String, int[]> shapes = new LinkedHashMap<>(config.linearShapes());
    List<String> targets = new ArrayList<>(
        LayerPatterns.selectNames(new ArrayList<>(shapes.keySet()), spec.targetList()));
    if (spec.method().equals("slicefine") && spec.head().equals("slice")) {
      shapes.put("classifier", new int[] {numClasses, config.hidden()});
      targets.add("classifier");
    }
    for (String name : targets) {
      int[] shape = shapes.get(name);
      switch (spec.method()) {
        case "slicefine" -> {
          if (!spec.mode().equals("column")) {
            spec.slicePosition(shape[0], name + " (rows)");
          }
          if (!spec.mode().equals("row")) {
            spec.slicePosition(shape[1], name + " (columns)");
          }
        }
        case "lora" -> LinearLayer.checkRank(spec.rank(), Math.min(shape[0], shape[1]), name);
        default -> {
        }
      }
    }
  }

  private static void limit(String option, int value, int max, String what) {
    if (value > max) {
      throw new IllegalArgumentException("trial option '" + option + "' = " + value
          + " is invalid: must be at most " + max + " (" + what + ")");
    }
  }
}
