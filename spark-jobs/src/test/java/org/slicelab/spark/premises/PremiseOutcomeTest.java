package org.slicelab.spark.premises;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.ablations.premises.TrialSliceEnergy;
import org.slicelab.ablations.trial.TrialResources;
import org.slicelab.ablations.trial.TrialSpec;
import org.slicelab.spark.cli.SliceLab;
import org.slicelab.spark.report.CraftedResults;
import org.slicelab.spark.sweep.SweepTestSupport;

/**
 * {@code premises --results}: a hand-made results set on MiniLM x sentiment-sentences whose test
 * accuracies are a known function of each trial's step-0 slice energy (computed here with the
 * trial's own spec), so the correlation the command reports is known; and the bad inputs.
 */
class PremiseOutcomeTest {
  @TempDir
  static Path dir;
  static Path results;
  static final Map<String, Double> ENERGY = new HashMap<>();

  private static TrialSpec slice(long seed, Object... kv) {
    List<Object> all = new ArrayList<>(List.of("method", "slicefine", "dataset",
        "sentiment-sentences", "targets", "output.dense", "train_size", 12, "max_len", 8,
        "batch_size", 5, "seed", seed, "lr", 5e-3, "calib_size", 8));
    all.addAll(List.of(kv));
    return CraftedResults.spec(all.toArray());
  }

  @BeforeAll
  static void craftResults() {
    results = dir.resolve("results");
    CraftedResults crafted = new CraftedResults(results, "outcome-test");
    Map<TrialSpec, String> panels = new java.util.LinkedHashMap<>();
    for (long seed = 1; seed <= 2; seed++) {
      for (int rank : new int[] {1, 2, 4}) {
        panels.put(slice(seed, "rank", rank), "rank");
      }
      panels.put(slice(seed, "rank", 2, "position", "0.999"), "position");
      panels.put(slice(seed, "rank", 2, "selector", "wanda:most"), "wanda");
    }
    TrialSliceEnergy.measure(new ArrayList<>(panels.keySet()), TrialResources.shared())
        .forEach((id, e) -> ENERGY.put(id, e.share()));
    // accuracy rises with energy at seed 1 and falls with it at seed 2: rho = 1 and -1
    panels.forEach((spec, panel) -> {
      double e = ENERGY.get(spec.trialId());
      crafted.ok(panel, spec, spec.seed() == 1 ? 0.5 + e / 10 : 0.9 - e / 10, 0.5);
    });
    crafted.commitPanels();
  }

  @Test
  void theOutcomeTableHoldsEachTrialsEnergyAndTheRankCorrelationPerSeed() throws Exception {
    Path out = dir.resolve("premises");
    SweepTestSupport.CliRun run = SweepTestSupport.cli("premises", "--dataset",
        "sentiment-sentences", "--results", results.toString(), "--outcome-only", "--master",
        "local[1]", "--out", out.toString());
    assertEquals(0, run.exitCode(), run.stderr());
    String slug = "all-minilm-l6-v2__sentiment-sentences";
    assertTrue(Files.exists(PremisesOutput.partition(out, PremiseOutcome.TABLE, slug)
        .resolve("part-00000.parquet")));
    assertTrue(Files.readString(out.resolve("PREMISES.md")).contains("predict the outcome"));
    SweepTestSupport.withSpark(spark -> {
      List<Row> trials = spark.read().parquet(out.resolve(PremiseOutcome.TRIALS_TABLE)
          .toString()).select("trial_id", "energy_share", "seed", "backbone_sha256")
          .collectAsList();
      assertEquals(ENERGY.size(), trials.size());
      for (Row r : trials) {
        assertEquals(ENERGY.get(r.getString(0)), r.getDouble(1), 1e-12, "trial " + r);
        assertFalse(r.isNullAt(3), "checksum column");
      }
      Map<String, Row> byScope = new HashMap<>();
      spark.read().parquet(out.resolve(PremiseOutcome.TABLE).toString()).collectAsList()
          .forEach(r -> byScope.put(r.getAs("scope"), r));
      Row all = byScope.get(PremiseOutcome.ALL);
      assertEquals(10L, (long) all.getAs("trials"));
      assertEquals(5L, (long) all.getAs("configurations"));
      assertEquals("1:1.000 2:-1.000", all.getAs("spearman_per_seed"));
      assertEquals(0.0, (double) all.getAs("spearman_mean"), 1e-12);
      assertEquals(OutcomeCorrelation.INCONCLUSIVE, all.getAs("predictive"));
      assertTrue(all.isNullAt(all.fieldIndex("concordant_seeds")),
          "five configurations: a rank correlation, no two-configuration count");
      assertEquals("1:1.000 2:-1.000", byScope.get("rank").getAs("spearman_per_seed"));
      // one configuration per seed: no rank correlation
      assertEquals(0L, (long) byScope.get("position").getAs("seeds"));
      return null;
    });
  }

  @Test
  void resultsOfAnotherPairOrWithoutTrialsAreRefusedBeforeAnyWork() {
    Path out = dir.resolve("refused");
    SweepTestSupport.CliRun run = SweepTestSupport.cli("premises", "--dataset", "spam-assassin",
        "--results", results.toString(), "--outcome-only", "--master", "local[1]", "--out",
        out.toString());
    assertEquals(SliceLab.EXIT_BAD_INPUT, run.exitCode(), run.stderr());
    String error = String.valueOf(run.json().get("error"));
    assertTrue(error.contains("[all-minilm-l6-v2 × sentiment-sentences] only")
        && error.contains("none of all-minilm-l6-v2 × spam-assassin"), error);

    run = SweepTestSupport.cli("premises", "--results", dir.resolve("nothing").toString(),
        "--outcome-only", "--out", out.toString());
    assertEquals(SliceLab.EXIT_BAD_INPUT, run.exitCode(), run.stderr());
    assertTrue(String.valueOf(run.json().get("error")).contains("is not a results directory"));

    run = SweepTestSupport.cli("premises", "--outcome-only", "--out", out.toString());
    assertEquals(SliceLab.EXIT_BAD_INPUT, run.exitCode(), run.stderr());
    assertTrue(String.valueOf(run.json().get("error")).contains("'--outcome-only' needs"));
    assertFalse(Files.exists(out.resolve(PremiseOutcome.TABLE)), "nothing was written");
  }
}
