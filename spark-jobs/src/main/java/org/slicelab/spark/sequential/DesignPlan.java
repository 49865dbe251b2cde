package org.slicelab.spark.sequential;

import static org.apache.spark.sql.functions.col;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;
import org.slicelab.spark.grid.Grid;
import org.slicelab.spark.grid.PlannedTrial;
import org.slicelab.spark.results.ResultSchema;
import org.slicelab.spark.results.ResultTables;
import org.slicelab.spark.sequential.TrialCosts.Cost;
import org.slicelab.spark.sweep.SweepOptions;

/**
 * The dry run of a sequential design ({@code --until-conclusive --plan}): the design (looks,
 * seeds per look, error rate per look), how many trials it runs (the grid alone, and at most:
 * every claim open until the last look, so every configuration gets every seed), how many of
 * those the results directory already holds, and what the rest costs in CPU-hours on this
 * machine ({@link TrialCosts}). Nothing is run or written.
 */
public final class DesignPlan {
  private DesignPlan() {
  }

  /**
   * Computes the plan and prints it on {@code log}.
   *
   * @param spark a session to read the results directory with, null to skip reading it
   * @param slots trials that run at once (for the wall-time estimate)
   * @return the JSON line's fields
   * @throws IllegalArgumentException for bad options, or a design that differs from the one
   *     recorded in the results directory (as a run would)
   */
  public static Map<String, Object> compute(SweepOptions options, int maxSeeds, int looks,
      double margin, SparkSession spark, int slots, PrintStream log) {
    UntilConclusive.Prepared prepared = UntilConclusive.prepare(options, maxSeeds, looks, margin);
    SequentialState state = prepared.state();
    Grid grid = prepared.grid();
    List<Integer> perLook = new ArrayList<>();
    List<Integer> cumulative = new ArrayList<>();
    List<PlannedTrial> worst = grid.trials();
    for (int look = 1; look <= state.plan().looks(); look++) {
      worst = UntilConclusive.extend(grid, prepared.baseSeeds(), state.seedsAt(look), null)
          .trials();
      perLook.add(state.seedsAt(look).size());
      cumulative.add(worst.size());
    }
    Set<String> done = spark == null ? Set.of() : okTrialIds(spark, options.out());
    Map<String, Cost> measured = spark == null ? Map.of()
        : TrialCosts.measured(spark, options.out());

    Map<String, Integer> byClass = new TreeMap<>();
    Map<String, Integer> toRunByClass = new TreeMap<>();
    Map<String, Cost> costs = new TreeMap<>();
    double gridSeconds = 0;
    double worstSeconds = 0;
    double toRunSeconds = 0;
    Set<String> gridIds = new HashSet<>(state.gridTrialIds().isEmpty()
        ? prepared.wanted().gridTrialIds() : state.gridTrialIds());
    int toRun = 0;
    for (PlannedTrial t : worst) {
      Map<String, Object> spec = t.spec().toMap();
      String cls = TrialCosts.costClass(spec);
      Cost cost = measured.containsKey(cls) ? measured.get(cls)
          : new Cost(TrialCosts.estimate(spec), "estimate (see docs/claims.md)");
      costs.putIfAbsent(cls, cost);
      byClass.merge(cls, 1, Integer::sum);
      worstSeconds += cost.seconds();
      if (gridIds.contains(t.trialId())) {
        gridSeconds += cost.seconds();
      }
      if (!done.contains(t.trialId())) {
        toRun++;
        toRunSeconds += cost.seconds();
        toRunByClass.merge(cls, 1, Integer::sum);
      }
    }

    Map<String, Object> design = new LinkedHashMap<>();
    design.put("recorded", prepared.recorded());
    design.put("completed_looks", state.completedLooks());
    design.put("looks", state.plan().looks());
    design.put("seeds_at_look", perLook);
    design.put("alpha", state.alpha());
    design.put("alpha_per_look", state.plan().alphaPerLook());
    design.put("margin", state.margin());
    design.put("grid_trials", gridIds.size());
    design.put("grid_sha256", SequentialState.hash(gridIds.stream().sorted().toList()));
    Map<String, Object> trials = new LinkedHashMap<>();
    trials.put("grid", gridIds.size());
    trials.put("worst_case", worst.size());
    trials.put("worst_case_by_look", cumulative);
    trials.put("worst_case_by_class", byClass);
    trials.put("recorded_ok", worst.size() - toRun);
    trials.put("to_run_worst_case", toRun);
    trials.put("to_run_by_class", toRunByClass);
    Map<String, Object> costMap = new LinkedHashMap<>();
    costs.forEach((k, c) -> costMap.put(k, Map.of("trial_seconds", round(c.seconds()),
        "source", c.source())));
    Map<String, Object> hours = new LinkedHashMap<>();
    hours.put("grid", round(gridSeconds / 3600));
    hours.put("worst_case", round(worstSeconds / 3600));
    hours.put("to_run_worst_case", round(toRunSeconds / 3600));
    hours.put("slots", slots);
    hours.put("wall_hours_to_run_worst_case", round(toRunSeconds / 3600 / Math.max(1, slots)));

    Map<String, Object> line = new LinkedHashMap<>();
    line.put("plan", true);
    line.put("grid", grid.name());
    line.put("grid_file", options.grid().toString());
    line.put("out", options.out());
    line.put("design", design);
    line.put("trials", trials);
    line.put("trial_costs", costMap);
    line.put("cpu_hours", hours);
    print(line, state, log);
    return line;
  }

  private static Set<String> okTrialIds(SparkSession spark, String out) {
    try {
      Set<String> ids = new HashSet<>();
      ResultTables.trials(spark, out).filter(col(ResultSchema.STATUS).equalTo("ok"))
          .select(ResultSchema.TRIAL_ID).distinct().collectAsList()
          .forEach(r -> ids.add(r.getString(0)));
      return ids;
    } catch (Exception e) { // no results yet
      return Set.of();
    }
  }

  @SuppressWarnings("unchecked")
  private static void print(Map<String, Object> line, SequentialState state, PrintStream log) {
    Map<String, Object> design = (Map<String, Object>) line.get("design");
    Map<String, Object> trials = (Map<String, Object>) line.get("trials");
    Map<String, Object> hours = (Map<String, Object>) line.get("cpu_hours");
    log.printf(Locale.ROOT, "[plan] grid %s (%s): %s design%s%n", line.get("grid"),
        line.get("grid_file"), (Boolean) design.get("recorded") ? "the recorded" : "a new",
        (Boolean) design.get("recorded") ? ", " + state.completedLooks() + " look(s) done" : "");
    log.printf(Locale.ROOT, "[plan] %d looks at %s seeds per configuration; alpha %s per "
        + "verdict, %.4g per look; margin ±%s (and ±2)%n", state.plan().looks(),
        design.get("seeds_at_look"), state.alpha(), state.plan().alphaPerLook(),
        state.margin());
    log.printf(Locale.ROOT, "[plan] trials: grid alone %s; at most %s (every claim open to the "
        + "last look; by look %s); by class %s; already ok %s; to run at most %s%n",
        trials.get("grid"), trials.get("worst_case"), trials.get("worst_case_by_look"),
        trials.get("worst_case_by_class"), trials.get("recorded_ok"),
        trials.get("to_run_worst_case"));
    ((Map<String, Object>) line.get("trial_costs")).forEach((k, v) -> log.printf(Locale.ROOT,
        "[plan] cost %-40s %s%n", k, v));
    log.printf(Locale.ROOT, "[plan] CPU-hours (trial-hours, one core per trial): grid %s, at "
        + "most %s, to run at most %s; about %s h of wall time on %s slots%n", hours.get("grid"),
        hours.get("worst_case"), hours.get("to_run_worst_case"),
        hours.get("wall_hours_to_run_worst_case"), hours.get("slots"));
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
