package org.slicelab.spark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.ablations.trial.TrialSpec;

/**
 * The report job on hand-made result tables: statistics per point, latest-ok selection, panel
 * membership, series detection, claims, figures and REPORT.md.
 */
class ReportJobTest {
  @TempDir
  static Path dir;
  static SparkSession spark;
  static ReportSummary summary;
  static String log;

  static TrialSpec rank(int r, long seed) {
    return CraftedResults.spec("method", "slicefine", "rank", r, "lr", 5e-3, "seed", seed);
  }

  @BeforeAll
  static void craftAndReport() {
    ReportTestSupport.quietLogs();
    Path results = dir.resolve("results");
    CraftedResults c = new CraftedResults(results, "crafted");
    double[][] rankTest = {{0.80, 0.82, 0.84}, {0.90, 0.92, 0.94}, {0.85, 0.87, 0.89}};
    int[] ranks = {1, 4, 16};
    for (int i = 0; i < ranks.length; i++) {
      for (int s = 1; s <= 3; s++) {
        TrialSpec spec = rank(ranks[i], s);
        if (ranks[i] == 16 && s == 3) {
          // failed first, ok on a retry: the ok attempt counts
          c.attempt("rank", spec, "failed", "java.lang.RuntimeException: flaky", 0, 0);
        }
        c.ok("rank", spec, rankTest[i][s - 1], rankTest[i][s - 1] + (ranks[i] == 4 ? 0.02 : 0));
        if (ranks[i] == 1 && s == 1) {
          // a later failed attempt never hides an ok one
          c.attempt("rank", spec, "failed", "later failure", 0, 0);
        }
      }
    }
    for (String mode : List.of("row", "column")) {
      for (double pos : new double[] {0.0, 0.5}) {
        for (long s = 1; s <= 2; s++) {
          c.ok("position", CraftedResults.spec("method", "slicefine", "rank", 5, "mode", mode,
              "position", pos, "lr", 5e-3, "seed", s), 0.88 + (mode.equals("row") ? 0 : 0.01)
              + s * 0.001, 0.9);
        }
      }
    }
    c.ok("wanda", CraftedResults.spec("method", "slicefine", "rank", 5, "selector",
        "wanda:most", "seed", 1L), 0.88, 0.9);
    c.ok("wanda", CraftedResults.spec("method", "slicefine", "rank", 5, "selector",
        "wanda:random", "seed", 1L), 0.87, 0.9);
    TrialSpec mixed = CraftedResults.spec("method", "slicefine", "rank", 5, "selector",
        "wanda:mixed", "seed", 1L);
    c.member("wanda", mixed).attempt("wanda", mixed, "failed",
        "java.lang.IllegalStateException: boom\n\tat org.example.X(X.java:1)", 0, 0);
    c.ok("lth", CraftedResults.spec("method", "slicefine", "rank", 5, "selector", "lth:good",
        "seed", 1L), 0.88, 0.9);
    c.ok("lth", CraftedResults.spec("method", "slicefine", "rank", 5, "selector", "lth:bad",
        "seed", 1L), 0.875, 0.9);
    for (long s = 1; s <= 2; s++) {
      c.ok("sift", CraftedResults.spec("method", "sift", "sift_rate", 0.01, "lr", 1e-3, "seed",
          s), 0.89, 0.9);
      c.ok("reference_head", CraftedResults.spec("method", "head", "lr", 5e-3, "seed", s),
          0.75 + s * 0.01, 0.76);
      c.ok("reference_full", CraftedResults.spec("method", "full", "lr", 5e-5, "seed", s),
          0.90 + s * 0.001, 0.91);
      c.ok("reference_lora", CraftedResults.spec("method", "lora", "rank", 8, "lr", 1e-3,
          "seed", s), 0.89, 0.9);
    }
    TrialSpec diverged = CraftedResults.spec("method", "sift", "sift_rate", 0.05, "seed", 1L);
    c.member("sift", diverged).attempt("sift", diverged, "diverged", "loss is NaN at step 3", 0,
        0);
    c.member("sift", CraftedResults.spec("method", "sift", "sift_rate", 0.001, "seed", 1L));
    c.commitPanels();
    // another grid in the same directory: must not leak into this grid's report
    CraftedResults other = new CraftedResults(results, "other");
    other.ok("reference_head", CraftedResults.spec("method", "head", "seed", 9L), 0.1, 0.1);
    other.commitPanels();

    spark = ReportTestSupport.spark();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    assertThrows(IllegalArgumentException.class, () -> ReportJob.run(spark,
        new ReportOptions(results.toString(), null, null), out), "two grids: must choose");
    summary = ReportJob.run(spark, new ReportOptions(results.toString(), "crafted", null), out);
    log = bytes.toString(StandardCharsets.UTF_8);
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  static List<Row> table(String name) {
    return spark.read().parquet(summary.dir().resolve(name).toString()).collectAsList();
  }

  @Test
  void pointStatisticsAreMeanStdAndTInterval() {
    List<Row> rows = table("figure2_rank");
    assertEquals(3, rows.size());
    Row r4 = rows.stream().filter(r -> r.<Double>getAs("x") == 4.0).findFirst().orElseThrow();
    assertEquals(3L, (long) r4.getAs("n"));
    assertEquals("1,2,3", r4.getAs("seeds"));
    assertEquals(0.92, r4.<Double>getAs("test_acc_mean"), 1e-9);
    assertEquals(0.02, r4.<Double>getAs("test_acc_std"), 1e-9);
    double half = 4.302653 * 0.02 / Math.sqrt(3);
    assertEquals(0.92 - half, r4.<Double>getAs("test_acc_ci_low"), 1e-6);
    assertEquals(0.92 + half, r4.<Double>getAs("test_acc_ci_high"), 1e-6);
    assertEquals(0.94, r4.<Double>getAs("val_acc_mean"), 1e-9);
    assertEquals(1004L, (long) r4.getAs("trainable_params"));
    assertEquals("slicefine", r4.getAs("series"));
    assertEquals("4", r4.getAs("x_label"));
    assertEquals(1, (int) r4.getAs("x_order"));
    assertNull(r4.getAs("ci_note"));
    // rank 16 seed 3 failed first and then succeeded; rank 1 seed 1 failed after its ok attempt
    Row r16 = rows.stream().filter(r -> r.<Double>getAs("x") == 16.0).findFirst().orElseThrow();
    assertEquals(3L, (long) r16.getAs("n"));
    assertEquals(0.87, r16.<Double>getAs("test_acc_mean"), 1e-9);
    Row r1 = rows.stream().filter(r -> r.<Double>getAs("x") == 1.0).findFirst().orElseThrow();
    assertEquals(0.82, r1.<Double>getAs("test_acc_mean"), 1e-9);
  }

  @Test
  void oneSeedHasNullStdAndCiWithANote() {
    List<Row> rows = table("figure2_lth");
    assertEquals(List.of("good", "bad"), rows.stream().sorted((a, b) -> Integer.compare(
        a.getAs("x_order"), b.getAs("x_order"))).map(r -> (String) r.getAs("x_label")).toList());
    for (Row r : rows) {
      assertEquals(1L, (long) r.getAs("n"));
      assertNull(r.getAs("test_acc_std"));
      assertNull(r.getAs("test_acc_ci_low"));
      assertNull(r.getAs("test_acc_ci_high"));
      assertTrue(((String) r.getAs("ci_note")).contains("n=1"));
    }
  }

  @Test
  void seriesComeFromFieldsVaryingAtTheSameX() {
    Map<String, Long> bySeries = table("figure2_position").stream().collect(
        Collectors.groupingBy(r -> (String) r.getAs("series"), Collectors.counting()));
    assertEquals(Map.of("row", 2L, "column", 2L), bySeries);
    List<Row> reference = table("figure2_reference");
    assertEquals(3, reference.size());
    // the learning rate differs per method but only together with x: not a series
    reference.forEach(r -> assertEquals("reference", r.getAs("series")));
    assertEquals(List.of("head", "full", "lora r=8"), reference.stream().sorted((a, b) ->
        Integer.compare(a.getAs("x_order"), b.getAs("x_order")))
        .map(r -> (String) r.getAs("x_label")).toList());
    assertEquals(1, table("figure2_sift").size(), "diverged and missing trials have no point");
    assertEquals(2, table("figure2_wanda").size(), "the failed Wanda trial has no point");
  }

  @Test
  void statusCountsFailuresAndOtherGrids() {
    assertEquals("crafted", summary.grid());
    Map<String, Long> counts = summary.statusCounts();
    assertEquals(9 + 8 + 4 + 8, counts.get("ok"), counts.toString());
    assertEquals(1L, counts.get("failed"));
    assertEquals(1L, counts.get("diverged"));
    assertEquals(0L, counts.get("timeout"));
    assertEquals(1L, counts.get("missing"));
    assertEquals(29 + 2 + 1 + 1, summary.attempts(), "retries counted, other grid not");
  }

  @Test
  void claimsTableHasEveryClaimWithAVerdict() {
    List<Row> rows = table(ReportJob.CLAIMS);
    Map<String, String> verdicts = rows.stream().collect(Collectors.toMap(
        r -> (String) r.getAs("claim_id"), r -> (String) r.getAs("verdict")));
    assertEquals(List.of("fig2a_decline", "fig2a_rise", "fig2b_column", "fig2b_row", "fig2c",
        "fig2d", "protocol_head_full_gap", "sift"), verdicts.keySet().stream().sorted().toList());
    // rank: test rises 10 points from rank 1 to rank 4 (CI well above 0)
    assertEquals(Claim.REPRODUCED, verdicts.get("fig2a_rise"));
    // rank 4 above rank 16 on three seeds (p = 1/8): at 0.05 / 2 (two smaller ranks) the sign
    // test needs six (p = 1/64)
    assertEquals(Claim.INCONCLUSIVE, verdicts.get("fig2a_decline"));
    Row decline = rows.stream().filter(r -> r.getAs("claim_id").equals("fig2a_decline"))
        .findFirst().orElseThrow();
    assertEquals(6L, (long) decline.getAs("seeds_needed"));
    // positions identical per seed -> zero-width intervals inside +-1
    assertEquals(Claim.REPRODUCED, verdicts.get("fig2b_row"));
    // one seed -> inconclusive
    assertEquals(Claim.INCONCLUSIVE, verdicts.get("fig2c"));
    assertEquals(Claim.INCONCLUSIVE, verdicts.get("fig2d"));
    Row gap = rows.stream().filter(r -> r.getAs("claim_id").equals("protocol_head_full_gap"))
        .findFirst().orElseThrow();
    assertEquals(13.65, gap.<Double>getAs("observed_points"), 1e-6);
    assertEquals(2L, (long) gap.getAs("n_seeds"));
    for (Row r : rows) {
      assertTrue(List.of(Claim.REPRODUCED, Claim.NOT_REPRODUCED, Claim.INCONCLUSIVE)
          .contains((String) r.getAs("verdict")));
    }
    assertTrue(log.contains("fig2a_rise"), log);
  }

  @Test
  void figuresAndMarkdownAreWritten() throws Exception {
    List<String> names = summary.figures().stream().map(p -> p.getFileName().toString())
        .toList();
    assertEquals(List.of("figure2_rank.png", "figure2_position.png", "figure2_wanda.png",
        "figure2_lth.png", "figure2_sift.png", "figure2_reference.png", "figure2.png"), names);
    for (Path png : summary.figures()) {
      assertTrue(Files.size(png) > 2000, png + " is too small: " + Files.size(png));
      BufferedImage image = ImageIO.read(png.toFile());
      assertTrue(image.getWidth() >= Figures.WIDTH && image.getHeight() >= Figures.HEIGHT, png
          .toString());
    }
    assertEquals(5 * Figures.WIDTH, ImageIO.read(summary.dir().resolve("figure2.png").toFile())
        .getWidth(), "panels (a)-(e) side by side");
    String md = Files.readString(summary.reportMd());
    for (String expected : List.of("## Claims", "![Figure 2](figure2.png)",
        "(figure2_rank.png)", "(figure2_reference.png)", "fig2b_row", "**reproduced**",
        "## Failures", "| missing | 1 |", "java.lang.IllegalStateException: boom",
        "loss is NaN at step 3", "learning rate by method")) {
      assertTrue(md.contains(expected), "REPORT.md lacks '" + expected + "':\n" + md);
    }
    assertTrue(!md.contains("org.example.X"), "only the first error line");
    Map<String, Object> json = summary.toMap();
    assertEquals(29L, json.get("ok"));
    assertEquals(1L, json.get("missing"));
    assertTrue(((List<?>) json.get("figures")).size() == 7);
  }
}
