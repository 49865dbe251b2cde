package org.slicelab.spark.premises;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slicelab.ablations.trial.TrialSpec;
import org.slicelab.spark.grid.GridLoader;
import org.slicelab.spark.grid.PlannedTrial;
import org.slicelab.spark.report.Combination;

/**
 * The spec each (backbone, dataset) pair of a multi-pair {@code premises} run is measured with:
 * the pair, the data options of the grid's first trial on that pair (the examples the trials
 * saw), then the trial options given on the command line.
 */
public final class PairSpecs {
  /** The fields a pair's spec takes from its grid trials. */
  public static final List<String> DATA_FIELDS = List.of("train_size", "val_size", "test_size",
      "data_seed", "max_len", "image_size", "seed", "batch_size");

  private PairSpecs() {
  }

  /** One spec per distinct (backbone, dataset) of the grid's trials, in grid order. */
  public static List<TrialSpec> fromGrid(Path grid, Map<String, Object> given) {
    Map<Combination, TrialSpec> first = new LinkedHashMap<>();
    for (PlannedTrial trial : GridLoader.load(grid).trials()) {
      TrialSpec spec = trial.spec();
      first.putIfAbsent(new Combination(spec.backbone(), spec.dataset()), spec);
    }
    List<TrialSpec> out = new ArrayList<>();
    for (TrialSpec spec : first.values()) {
      TrialSpec.Builder builder = TrialSpec.builder().backbone(spec.backbone())
          .dataset(spec.dataset());
      DATA_FIELDS.forEach(f -> builder.set(f, spec.get(f)));
      given.forEach(builder::set);
      out.add(builder.build());
    }
    return out;
  }

  /**
   * One spec per pair of {@code backboneDataset} (backbone, dataset, backbone, dataset, ...),
   * each the given trial options with the pair's backbone and dataset.
   */
  public static List<TrialSpec> fromPairs(List<String> backboneDataset,
      Map<String, Object> given) {
    List<TrialSpec> out = new ArrayList<>();
    for (int i = 0; i + 1 < backboneDataset.size(); i += 2) {
      TrialSpec.Builder builder = TrialSpec.builder();
      given.forEach(builder::set);
      out.add(builder.backbone(backboneDataset.get(i)).dataset(backboneDataset.get(i + 1))
          .build());
    }
    return out;
  }

  /**
   * Refuses the same pair twice and {@code --backbone} / {@code --dataset} beside a list of
   * pairs, before any work.
   */
  public static void check(List<TrialSpec> specs, Map<String, Object> given) {
    for (String field : List.of("backbone", "dataset")) {
      if (given.containsKey(field)) {
        throw new IllegalArgumentException("option '--" + field + "' cannot be combined with "
            + "'--grid' or '--pair': each pair names its own backbone and data set");
      }
    }
    List<String> seen = new ArrayList<>();
    for (TrialSpec spec : specs) {
      String label = new Combination(spec.backbone(), spec.dataset()).label();
      if (seen.contains(label)) {
        throw new IllegalArgumentException("option '--pair' names " + label + " twice");
      }
      seen.add(label);
    }
    if (specs.isEmpty()) {
      throw new IllegalArgumentException("options '--grid' / '--pair' give no (backbone, "
          + "dataset) pair");
    }
  }
}
