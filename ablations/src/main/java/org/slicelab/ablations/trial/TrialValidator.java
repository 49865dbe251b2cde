package org.slicelab.ablations.trial;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slicelab.ablations.backbone.BertConfig;
import org.slicelab.ablations.backbone.LinearLayer;
import org.slicelab.ablations.data.DatasetSplits;
import org.slicelab.ablations.data.SpamAssassin;
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
    checkShapes(spec, BertConfig.miniLm());
    DatasetSplits splits = SpamAssassin.splits();
    limit("train_size", spec.trainSize(), splits.train().size(), "the training split");
    limit("val_size", spec.valSize(), splits.validation().size(), "the validation split");
    limit("test_size", spec.testSize(), splits.test().size(), "the test split");
  }

  /** The shape checks alone (no data needed). */
  public static void checkShapes(TrialSpec spec, BertConfig config) {
    Methods.create(spec);
    if (!spec.method().equals("slicefine") && !spec.method().equals("lora")
        && !spec.method().equals("sift")) {
      return;
    }
    Map<String, int[]> shapes = new LinkedHashMap<>(config.linearShapes());
    List<String> targets = new ArrayList<>(
        LayerPatterns.selectNames(new ArrayList<>(shapes.keySet()), spec.targetList()));
    if (spec.method().equals("slicefine") && spec.head().equals("slice")) {
      shapes.put("classifier", new int[] {2, config.hidden()});
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
