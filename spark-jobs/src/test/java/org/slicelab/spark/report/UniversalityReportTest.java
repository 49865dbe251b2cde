package org.slicelab.spark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.slicelab.ablations.trial.TrialSpec;

/**
 * A results set with trials on several (backbone, dataset) pairs: every claim is judged per pair
 * on that pair's trials only, the universality table and section say claim x pair -> verdict,
 * and each pair gets its own figures. A grid on one pair keeps the single-pair layout.
 */
class UniversalityReportTest {
  private static final String MINILM = Backbones.DEFAULT;
  private static final String BGE = "bge-small";
  private static final String SPAM = "spam-assassin";
  private static final String SENTIMENT = "sentiment-sentences";
  private static final String CHECKPOINT = "/shared/models/my-bert";

  @TempDir
  static Path dir;
  static SparkSession spark;
  static ReportSummary several;
  static ReportSummary single;
  static String log;

  static TrialSpec spec(String backbone, String dataset, Object... kv) {
    Object[] all = new Object[kv.length + 4];
    all[0] = "backbone";
    all[1] = backbone;
    all[2] = "dataset";
    all[3] = dataset;
    System.arraycopy(kv, 0, all, 4, kv.length);
    return CraftedResults.spec(all);
  }

  /**
   * Head, full and lottery-ticket slices on one pair, three seeds. {@code gap}: full minus head
   * (fraction); {@code badShift}: bad minus good lottery-ticket slices, the same on every seed.
   */
  static void pair(CraftedResults c, String backbone, String dataset, double gap,
      double badShift) {
    double[] base = {0.80, 0.82, 0.81};
    for (long s = 1; s <= 3; s++) {
      double b = base[(int) s - 1];
      c.ok("reference_head", spec(backbone, dataset, "method", "head", "lr", 5e-3, "seed", s),
          b, b);
      c.ok("reference_full", spec(backbone, dataset, "method", "full", "lr", 2e-4, "seed", s),
          b + gap + s * 0.002, b + gap);
      c.ok("lth", spec(backbone, dataset, "method", "slicefine", "rank", 5, "selector",
          "lth:good", "seed", s), b + 0.05, b + 0.05);
      c.ok("lth_bad", spec(backbone, dataset, "method", "slicefine", "rank", 5, "selector",
          "lth:bad", "seed", s), b + 0.05 + badShift, b + 0.05 + badShift);
    }
  }

  @BeforeAll
  static void craftAndReport() {
    ReportTestSupport.quietLogs();
    Path results = dir.resolve("results");
    CraftedResults c = new CraftedResults(results, "univ");
    // MiniLM x SpamAssassin: a wide head-full gap, bad tickets exactly as good ones
    pair(c, MINILM, SPAM, 0.12, 0.0);
    // bge-small x sentiment: no gap, bad tickets 6 points worse on every seed
    pair(c, BGE, SENTIMENT, 0.0, -0.06);
    // a checkpoint directory on a third data set option string: only the reference panels
    String domain = SENTIMENT + "?test=yelp&train=amazon";
    for (long s = 1; s <= 3; s++) {
      c.ok("reference_head", spec(CHECKPOINT, domain, "method", "head", "seed", s), 0.7, 0.7);
    }
    TrialSpec broken = spec(BGE, SENTIMENT, "method", "lora", "rank", 8, "seed", 1L);
    c.member("reference_lora", broken).attempt("reference_lora", broken, "failed",
        "java.lang.IllegalStateException: out of memory", 0, 0);
    c.commitPanels();
    CraftedResults one = new CraftedResults(results, "one");
    pair(one, BGE, SENTIMENT, 0.12, 0.0);
    one.commitPanels();

    spark = ReportTestSupport.spark();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    several = ReportJob.run(spark, new ReportOptions(results.toString(), "univ",
        dir.resolve("report-univ")), out);
    single = ReportJob.run(spark, new ReportOptions(results.toString(), "one",
        dir.resolve("report-one")), out);
    log = bytes.toString(StandardCharsets.UTF_8);
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  static List<Row> table(ReportSummary summary, String name) {
    return spark.read().parquet(summary.dir().resolve(name).toString()).collectAsList();
  }

  @Test
  void aPairsModalityComesFromItsBackbonesName() {
    assertEquals("text", new Combination(MINILM, SPAM).modality());
    assertEquals("image", new Combination("mobilenet-v2", "fashion-mnist").modality());
    assertEquals("image", new Combination("/models/my-cnn/model.json", "/data/pets").modality());
  }

  static String pairOf(Row r) {
    return r.getAs("backbone") + " x " + r.getAs("dataset");
  }

  @Test
  void claimsAreJudgedPerPairOnThatPairsTrialsOnly() {
    List<Row> rows = table(several, ReportJob.UNIVERSALITY);
    Map<String, String> verdict = rows.stream().collect(Collectors.toMap(
        r -> r.getAs("claim_id") + " @ " + pairOf(r), r -> (String) r.getAs("verdict")));
    String a = " @ " + MINILM + " x " + SPAM;
    String b = " @ " + BGE + " x " + SENTIMENT;
    assertEquals(Claim.REPRODUCED, verdict.get("protocol_head_full_gap" + a), verdict.toString());
    assertEquals(Claim.NOT_REPRODUCED, verdict.get("protocol_head_full_gap" + b),
        verdict.toString());
    assertEquals(Claim.REPRODUCED, verdict.get("fig2d" + a), verdict.toString());
    assertEquals(Claim.NOT_REPRODUCED, verdict.get("fig2d" + b), verdict.toString());
    // pooled over pairs, bad - good would be -3 points with a wide interval: per pair it is
    // exactly 0 and exactly -6
    Row d = rows.stream().filter(r -> r.getAs("claim_id").equals("fig2d")
        && r.getAs("backbone").equals(BGE)).findFirst().orElseThrow();
    assertEquals(-6.0, d.<Double>getAs("observed_points"), 1e-6);
    assertEquals(3L, (long) d.getAs("n_seeds"));
    assertEquals("text", d.getAs("modality"));
    // the third pair has only head-only trials: its claims are judged (no data), not borrowed
    String third = " @ " + CHECKPOINT + " x " + SENTIMENT + "?test=yelp&train=amazon";
    assertEquals(Claim.INCONCLUSIVE, verdict.get("protocol_head_full_gap" + third));
    // every pair has every claim of the single-pair report (7 without a position series)
    assertEquals(3 * 7, rows.size(), verdict.keySet().toString());
  }

  @Test
  void pointAndClaimTablesCarryThePair() {
    List<Row> reference = table(several, "figure2_reference");
    Map<String, Long> perPair = reference.stream().collect(Collectors.groupingBy(
        UniversalityReportTest::pairOf, Collectors.counting()));
    assertEquals(Map.of(MINILM + " x " + SPAM, 2L, BGE + " x " + SENTIMENT, 2L,
        CHECKPOINT + " x " + SENTIMENT + "?test=yelp&train=amazon", 1L), perPair);
    // the points are per pair: head at MiniLM has its own three seeds only
    reference.forEach(r -> assertEquals(3L, (long) r.getAs("n")));
    assertEquals(3, table(several, ReportJob.CLAIMS).stream().map(UniversalityReportTest::pairOf)
        .distinct().count());
  }

  @Test
  void figuresPerPairAndAUniversalitySection() throws Exception {
    Path root = several.dir();
    String minilm = new Combination(MINILM, SPAM).slug();
    String checkpoint = new Combination(CHECKPOINT, SENTIMENT + "?test=yelp&train=amazon")
        .slug();
    assertEquals(MINILM + "__" + SPAM, minilm);
    assertTrue(checkpoint.matches("my-bert-[0-9a-f]{8}__sentiment-sentences-[0-9a-f]{8}"),
        checkpoint);
    for (String slug : List.of(minilm, checkpoint, new Combination(BGE, SENTIMENT).slug())) {
      assertTrue(Files.size(root.resolve(slug).resolve(Figures.COMBINED)) > 2000, slug);
      assertTrue(Files.exists(root.resolve(slug).resolve("figure2_lth.png")), slug);
    }
    assertFalse(Files.exists(root.resolve(Figures.COMBINED)), "no pooled figure");
    assertEquals(3 * 7, several.figures().size());
    String md = Files.readString(several.reportMd());
    for (String expected : List.of("## Universality", "| claim | " + MINILM + " × " + SPAM,
        "| **fig2d** | **reproduced** | not reproduced | inconclusive (no data) | 1 of 3 |",
        "## " + BGE + " × " + SENTIMENT, "### Claims", "(" + minilm + "/figure2.png)",
        "(" + minilm + "/figure2_lth.png)", "`universality`", "backbone=bge-small",
        "out of memory")) {
      assertTrue(md.contains(expected), "REPORT.md lacks '" + expected + "':\n" + md);
    }
    @SuppressWarnings("unchecked")
    Map<String, Map<String, String>> json = (Map<String, Map<String, String>>) several.toMap()
        .get("universality");
    assertEquals(Claim.NOT_REPRODUCED, json.get(BGE + " × " + SENTIMENT).get("fig2d"));
    assertTrue(log.contains(BGE + " × " + SENTIMENT + ": fig2d"), log);
  }

  @Test
  void onePairKeepsTheSingleLayout() throws Exception {
    assertFalse(single.tables().contains(ReportJob.UNIVERSALITY));
    assertFalse(Files.exists(single.dir().resolve(ReportJob.UNIVERSALITY)));
    assertTrue(Files.exists(single.dir().resolve(Figures.COMBINED)));
    assertEquals(7, single.figures().size());
    String md = Files.readString(single.reportMd());
    assertFalse(md.contains("## Universality"), md);
    assertTrue(md.contains("## Claims") && md.contains("![Figure 2](figure2.png)"), md);
    assertTrue(md.contains("Backbone `" + BGE + "`, data set `" + SENTIMENT + "`"), md);
    assertTrue(single.toMap().containsKey("verdicts"));
    table(single, "figure2_lth").forEach(r -> assertEquals(BGE + " x " + SENTIMENT, pairOf(r)));
  }
}
