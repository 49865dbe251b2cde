package org.slicelab.spark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.ablations.backbone.Backbones;
import org.slicelab.spark.premises.PremisesOutput;
import org.slicelab.spark.premises.PremisesPair;

/**
 * The report reads premises tables (written by {@link PremisesOutput}, as
 * {@code slicelab premises} writes them) from {@code RESULTS/premises} or {@code --premises}:
 * premise rows in the universality table, a premises section and the energy vs accuracy figure.
 */
class PremisesReportTest {
  private static final String MINILM = Backbones.DEFAULT;
  private static final String BGE = "bge-small";
  private static final String SPAM = "spam-assassin";
  private static final String SENTIMENT = "sentiment-sentences";

  @TempDir
  static Path dir;
  static SparkSession spark;
  static ReportSummary several;
  static ReportSummary single;

  private static Map<String, Object> row(String backbone, String dataset, Object... kv) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("backbone", backbone);
    r.put("dataset", dataset);
    for (int i = 0; i < kv.length; i += 2) {
      r.put((String) kv[i], kv[i + 1]);
    }
    return r;
  }

  /** {@code flagged} of 10 pretrained cases and 1 of 10 random-init cases less balanced. */
  private static List<Map<String, Object>> balance(String b, String d, int flagged) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      rows.add(row(b, d, "init", "pretrained", "verdict", i < flagged ? "less balanced"
          : "as the null"));
      rows.add(row(b, d, "init", "random", "verdict", i < 1 ? "less balanced" : "as the null"));
    }
    return rows;
  }

  /** Three layers, pretrained k90 5, 7, 9 of 384; random 100, 150, 200 (curve point k = 1 too). */
  private static List<Map<String, Object>> taskEnergy(String b, String d) {
    List<Map<String, Object>> rows = new ArrayList<>();
    int[][] k90 = {{5, 7, 9}, {100, 150, 200}};
    for (int init = 0; init < 2; init++) {
      for (int layer = 0; layer < 3; layer++) {
        for (int k : new int[] {1, 384}) {
          rows.add(row(b, d, "init", init == 0 ? "pretrained" : "random", "layer", "l" + layer,
              "k", k, "dimension", 384, "k90", k90[init][layer]));
        }
      }
    }
    return rows;
  }

  private static void premises(Path out, String b, String d, int flagged, boolean outcome) {
    Map<String, List<Map<String, Object>>> tables = new LinkedHashMap<>();
    tables.put("balance", balance(b, d, flagged));
    tables.put("task_energy", taskEnergy(b, d));
    if (outcome) {
      tables.put("premise_outcome", List.of(
          row(b, d, "scope", "all", "seeds", 3, "spearman_mean", 0.8, "ci_low", 0.6, "ci_high",
              1.0, "predictive", "yes"),
          row(b, d, "scope", "rank", "seeds", 3, "spearman_mean", 0.9, "ci_low", 0.7, "ci_high",
              1.0, "predictive", "yes")));
      tables.put("premise_outcome_trials", List.of(
          row(b, d, "energy_share", 0.01, "test_acc", 0.7, "tables", "rank", "seed", 1),
          row(b, d, "energy_share", 0.02, "test_acc", 0.8, "tables", "rank,position", "seed", 1),
          row(b, d, "energy_share", 0.05, "test_acc", 0.9, "tables", "wanda", "seed", 1)));
    }
    PremisesOutput.write(out, new PremisesPair.Result(b, d, tables, "# " + b + "\n", Map.of(),
        Map.of()));
  }

  @BeforeAll
  static void craftAndReport() {
    ReportTestSupport.quietLogs();
    Path results = dir.resolve("results");
    CraftedResults c = new CraftedResults(results, "univ");
    UniversalityReportTest.pair(c, MINILM, SPAM, 0.12, 0.0);
    UniversalityReportTest.pair(c, BGE, SENTIMENT, 0.0, -0.06);
    c.commitPanels();
    CraftedResults one = new CraftedResults(results, "one");
    UniversalityReportTest.pair(one, BGE, SENTIMENT, 0.12, 0.0);
    one.commitPanels();
    // the default place: RESULTS/premises; MiniLM not balanced, with an outcome; bge balanced
    premises(results.resolve(PremisesSection.DIR), MINILM, SPAM, 9, true);
    premises(results.resolve(PremisesSection.DIR), BGE, SENTIMENT, 1, false);
    // elsewhere, given with --premises: 2 of 10 flagged is at the balanced bound (20%)
    premises(dir.resolve("elsewhere"), BGE, SENTIMENT, 2, true);

    spark = ReportTestSupport.spark();
    PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
    several = ReportJob.run(spark, new ReportOptions(results.toString(), "univ",
        dir.resolve("report-univ")), quiet);
    single = ReportJob.run(spark, new ReportOptions(results.toString(), "one",
        dir.resolve("report-one"), dir.resolve("elsewhere")), quiet);
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void theUniversalityTableGainsPremiseRowsPerPair() throws Exception {
    Map<String, String> verdict = spark.read().parquet(several.dir()
        .resolve(ReportJob.UNIVERSALITY).toString()).collectAsList().stream()
        .filter(r -> ((String) r.getAs("claim_id")).startsWith("premise_"))
        .collect(Collectors.toMap(r -> r.getAs("claim_id") + " @ " + r.getAs("dataset"),
            r -> (String) r.getAs("verdict")));
    assertEquals("no", verdict.get("premise_balanced @ " + SPAM), verdict.toString());
    assertEquals("yes", verdict.get("premise_balanced @ " + SENTIMENT), verdict.toString());
    assertEquals("k90 7 of 384 (random init 150)", verdict.get("premise_task_energy @ " + SPAM));
    assertEquals("yes", verdict.get("premise_predictive @ " + SPAM));
    assertFalse(verdict.containsKey("premise_predictive @ " + SENTIMENT), "not measured");

    String md = Files.readString(several.reportMd());
    assertTrue(md.contains("| *premise_balanced* | no (9 of 10 less balanced; random init 1 of "
        + "10) | yes (1 of 10 less balanced; random init 1 of 10) | |"), md);
    assertTrue(md.contains("| *premise_predictive* | yes (rho +0.80 [+0.60, +1.00], 3 seeds) "
        + "| - | |"), md);
    assertTrue(md.contains("## Premises of the slice hypothesis"), md);
    String slug = new Combination(MINILM, SPAM).slug();
    assertTrue(md.contains("](" + slug + "/premise_outcome.png)"), md);
    assertTrue(Files.size(several.dir().resolve(slug).resolve("premise_outcome.png")) > 1000);
    assertFalse(Files.exists(several.dir().resolve(new Combination(BGE, SENTIMENT).slug())
        .resolve("premise_outcome.png")), "no outcome, no figure");
  }

  @Test
  void aSinglePairReportTakesTheGivenPremisesDirectory() throws Exception {
    String md = Files.readString(single.reportMd());
    assertTrue(md.contains("| bge-small × sentiment-sentences | yes (2 of 10 less balanced; "
        + "random init 1 of 10) | k90 7 of 384 (random init 150) | yes (rho +0.80"), md);
    assertTrue(md.contains("(premise_outcome.png)"), md);
    assertTrue(Files.exists(single.dir().resolve("premise_outcome.png")));
  }

  @Test
  void aGivenPremisesDirectoryWithoutTablesIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PremisesSection.load(spark, new ReportOptions(dir.resolve("results").toString(),
            "one", dir.resolve("report-x"), dir.resolve("empty"))));
    assertTrue(e.getMessage().contains("option '--premises'"), e.getMessage());
  }
}
