package org.slicelab.spark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.ablations.backbone.Backbones;
import org.slicelab.ablations.data.Datasets;

/**
 * A plain {@code report} on a results directory of a sequential run judges with the recorded
 * design: its error rate per look even before look 1 completes, and the verdicts frozen at
 * earlier looks.
 */
class SequentialReportTest extends LocalSparkTest {
  @TempDir
  static Path dir;

  /** Good and bad lottery tickets, seeds 1..n, bad = good + {@code diff[s]} points. */
  private static Path results(String name, double... diff) {
    Path out = dir.resolve(name);
    CraftedResults c = new CraftedResults(out, "seq");
    for (int s = 0; s < diff.length; s++) {
      long seed = s + 1;
      double good = 0.88 + 0.01 * (s % 3);
      c.ok("lth", CraftedResults.spec("method", "slicefine", "rank", 5, "selector", "lth:good",
          "seed", seed), good, 0.9);
      c.ok("lth", CraftedResults.spec("method", "slicefine", "rank", 5, "selector", "lth:bad",
          "seed", seed), good + diff[s] / 100, 0.9);
    }
    c.commitPanels();
    return out;
  }

  /** A design file as {@code --until-conclusive} writes it (fields every version reads). */
  private static void design(Path out, String seedsAtLook, String seedOrder, int completed,
      String extra) throws Exception {
    Files.writeString(out.resolve("sequential.json"), "{\"grid\": \"seq\", \"margin\": 1.0, "
        + "\"alpha\": 0.05, \"seeds_at_look\": " + seedsAtLook + ", \"seed_order\": "
        + seedOrder + ", \"completed_looks\": " + completed + ", \"history\": []" + extra
        + "}");
  }

  private static Row fig2d(ReportSummary summary) {
    return spark.read().parquet(summary.dir().resolve(ReportJob.CLAIMS).toString())
        .filter("claim_id = 'fig2d'").collectAsList().get(0);
  }

  private static ReportSummary report(Path out) {
    PrintStream log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    return ReportJob.run(spark, new ReportOptions(out.toString(), null, null), 1.0, log);
  }

  @Test
  void beforeLookOneCompletesTheStoredAlphaPerLookApplies() throws Exception {
    // differences 0.6, 0, 0.3: inside +-1 at alpha 0.05, not at the design's 0.05 / 3
    Path out = results("before-look-1", 0.6, 0, 0.3);
    design(out, "[3, 6, 9]", "[1, 2, 3, 4, 5, 6, 7, 8, 9]", 0, "");
    Row claim = fig2d(report(out));
    assertEquals(0.05 / 3, claim.<Double>getAs("alpha_per_look"), 1e-12);
    assertEquals(Claim.INCONCLUSIVE, claim.getAs("verdict"), claim.toString());
    assertEquals(1L, (long) claim.getAs("look"));
  }

  @Test
  void aVerdictReachedAtAnEarlierLookIsKept() throws Exception {
    // seeds 1-3 agree closely (reproduced at look 1), seeds 4-6 scatter widely: the six seeds
    // of look 2 alone would be inconclusive, but the verdict of look 1 stands
    Path out = results("frozen", 0.3, 0.2, 0.25, 3, -3, 2);
    String key = new Combination(Backbones.DEFAULT, Datasets.SPAM_ASSASSIN).slug() + "/fig2d";
    design(out, "[3, 6]", "[1, 2, 3, 4, 5, 6]", 2, ", \"frozen_verdicts\": {\"" + key
        + "@1\": {\"verdict\": \"reproduced\", \"look\": 1, \"observed\": 0.25, \"ci_low\": "
        + "0.13, \"ci_high\": 0.37, \"level\": 0.95, \"n\": 3}}");
    ReportSummary summary = report(out);
    Row claim = fig2d(summary);
    assertEquals(Claim.REPRODUCED, claim.getAs("verdict"), claim.toString());
    assertEquals(0.25, claim.<Double>getAs("observed_points"), 1e-12);
    assertEquals(3L, (long) claim.getAs("n_seeds"));
    assertEquals(2L, (long) claim.getAs("look"));
    String detail = claim.getAs("detail");
    assertTrue(detail.contains("frozen since look 1") && detail.contains("this look's seeds "
        + "alone give `inconclusive`"), detail);
    assertTrue(Files.readString(summary.reportMd()).contains("frozen since look 1"));
  }
}
