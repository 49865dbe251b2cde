package org.slicelab.spark.sequential;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.spark.report.CraftedResults;
import org.slicelab.spark.sweep.SweepOptions;
import org.slicelab.spark.sweep.SweepTestSupport;
import org.slicelab.spark.sweep.SweepTestSupport.CliRun;

/**
 * {@code --until-conclusive --plan}: the design, the trial counts (grid alone and worst case),
 * costs from the results so far or the built-in estimate, and nothing run or written.
 */
class DesignPlanTest {
  @TempDir
  Path dir;

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> m, String key) {
    return (Map<String, Object>) m.get(key);
  }

  @Test
  void theFigure2GridsPlanWithoutResults() {
    Path out = dir.resolve("none");
    CliRun plan = SweepTestSupport.cli("figure2", "--grid", SweepTestSupport.ROOT.resolve(
        "conf/grids/figure2.conf").toString(), "--out", out.toString(), "--until-conclusive",
        "--max-seeds", "16", "--looks", "3", "--plan");
    assertEquals(0, plan.exitCode(), plan.stderr());
    Map<String, Object> json = plan.json();
    assertEquals(true, json.get("plan"));
    Map<String, Object> design = map(json, "design");
    assertEquals(List.of(3, 10, 16), design.get("seeds_at_look"));
    assertEquals(0.05 / 3, ((Number) design.get("alpha_per_look")).doubleValue(), 1e-12);
    assertEquals(false, design.get("recorded"));
    Map<String, Object> trials = map(json, "trials");
    assertEquals(99, trials.get("grid"));
    // 33 configurations, each with every one of the 16 seeds when no claim is decided early
    assertEquals(List.of(99, 330, 528), trials.get("worst_case_by_look"));
    assertEquals(528, trials.get("to_run_worst_case"));
    Map<String, Object> hours = map(json, "cpu_hours");
    double grid = ((Number) hours.get("grid")).doubleValue();
    double worst = ((Number) hours.get("worst_case")).doubleValue();
    assertTrue(grid > 1 && grid < 3, "99 trials of about a minute: " + hours);
    assertTrue(worst > 5 * grid, hours.toString());
    assertTrue(plan.stderr().contains("[plan] 3 looks at [3, 10, 16] seeds"), plan.stderr());
    assertFalse(Files.exists(out), "a plan writes nothing");

    CliRun alone = SweepTestSupport.cli("figure2", "--out", out.toString(), "--plan");
    assertEquals(2, alone.exitCode());
    assertTrue(((String) alone.json().get("error")).contains("'--plan' needs "
        + "--until-conclusive"), alone.stdout());
  }

  @Test
  void costsComeFromTheResultsSoFarAndRecordedTrialsAreNotCountedAgain() throws Exception {
    Path grid = SweepTestSupport.writeGrid(dir, "plan.conf", "name = plan\n"
        + "defaults { train_size = 16, val_size = 16, test_size = 32, max_len = 32 }\n"
        + "panels {\n"
        + "  reference_head { fixed { method = head, lr = 5e-3 } }\n"
        + "  reference_full { fixed { method = full, lr = 5e-5 } }\n"
        + "}\n");
    Path out = dir.resolve("out");
    CraftedResults results = new CraftedResults(out, "plan");
    results.ok("reference_head", CraftedResults.spec("method", "head", "lr", 5e-3, "seed", 1L),
        0.8, 0.8);
    results.commitPanels();
    SweepOptions options = new SweepOptions(grid, out.toString(), "local[1]", 0, false, true,
        false, 0, 0, Map.of());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Map<String, Object> plan = SweepTestSupport.withSpark(spark -> DesignPlan.compute(options,
        3, 2, 1.0, spark, 2, new PrintStream(bytes, true, StandardCharsets.UTF_8)));
    Map<String, Object> trials = map(plan, "trials");
    assertEquals(2, trials.get("grid"));
    assertEquals(6, trials.get("worst_case"));
    assertEquals(1, trials.get("recorded_ok"), "head seed 1 is already ok");
    assertEquals(5, trials.get("to_run_worst_case"));
    Map<String, Object> costs = map(plan, "trial_costs");
    assertEquals(Map.of("trial_seconds", 3.0, "source", "results (median of 1 ok trials)"),
        costs.get("head"));
    assertTrue(((String) map(costs, "full").get("source")).startsWith("estimate"),
        costs.toString());
    double full = ((Number) map(costs, "full").get("trial_seconds")).doubleValue();
    Map<String, Object> hours = map(plan, "cpu_hours");
    assertEquals(Math.round((2 * 3.0 + 3 * full) / 36) / 100.0,
        ((Number) hours.get("to_run_worst_case")).doubleValue(), 1e-9);
    assertFalse(Files.exists(out.resolve(SequentialState.FILE)), "a plan writes nothing");
  }
}
