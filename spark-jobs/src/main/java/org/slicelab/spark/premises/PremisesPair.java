package org.slicelab.spark.premises;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import ai.djl.pytorch.jni.JniUtils;
import org.slicelab.ablations.backbone.CudaRuntime;
import org.slicelab.ablations.method.MethodOptions;
import org.slicelab.ablations.premises.PremisesRun;
import org.slicelab.ablations.premises.PremisesSettings;
import org.slicelab.ablations.premises.PremisesSummary;
import org.slicelab.ablations.premises.PremisesTables;
import org.slicelab.ablations.train.Autograd;
import org.slicelab.ablations.trial.TrialResources;
import org.slicelab.ablations.trial.TrialSpec;
import org.slicelab.spark.report.Combination;

/**
 * The premises of one (backbone, dataset) pair: the measurements of {@link PremisesRun} (unless
 * only the outcome is asked for) and, given the pair's Figure 2 slice trials,
 * {@link PremiseOutcome}. Runs in one JVM (the command's, or a Spark task's); the result is
 * serializable, so a Spark job returns it to the driver, which writes it
 * ({@link PremisesOutput}).
 */
public final class PremisesPair {
  private PremisesPair() {
  }

  /**
   * What one pair produced.
   *
   * @param backbone the pair's backbone
   * @param dataset the pair's data set
   * @param tables rows by table name, in output order
   * @param markdown the pair's {@code PREMISES.md}
   * @param summary the JSON summary (per init, and the outcome)
   * @param seconds wall clock per phase
   */
  public record Result(String backbone, String dataset,
      Map<String, List<Map<String, Object>>> tables, String markdown,
      Map<String, Object> summary, Map<String, Double> seconds) implements Serializable {
    /** The pair. */
    public Combination pair() {
      return new Combination(backbone, dataset);
    }
  }

  /**
   * Measures {@code spec}'s pair.
   *
   * @param outcomeTrials the pair's Figure 2 slice trials, or null for no outcome table
   * @param results where {@code outcomeTrials} came from (recorded in the table)
   * @param outcomeOnly skip the premises measurements (balance, task energy, gradients)
   * @param torchThreads torch intra-op threads in this JVM; 0 = leave the engine's setting
   */
  public static Result measure(TrialSpec spec, PremisesSettings settings,
      List<OutcomeTrials.Trial> outcomeTrials, String results, boolean outcomeOnly,
      int torchThreads) {
    CudaRuntime.exposeBundled(); // before DJL's natives load in this executor
    if (torchThreads > 0) {
      Autograd.ensureEngine();
      JniUtils.setNumThreads(torchThreads);
    }
    long start = System.nanoTime();
    Map<String, List<Map<String, Object>>> tables = new LinkedHashMap<>();
    Map<String, Object> summary = new LinkedHashMap<>();
    Map<String, Double> seconds = new LinkedHashMap<>();
    StringBuilder md = new StringBuilder();
    Map<String, Object> about = about(spec, settings, outcomeOnly);
    if (!outcomeOnly) {
      PremisesTables measured = PremisesRun.measure(spec, settings);
      PremisesTables.NAMES.forEach(name -> tables.put(name, measured.table(name)));
      seconds.putAll(measured.seconds);
      summary.putAll(PremisesSummary.of(measured));
      md.append(PremisesSummary.markdown(measured, about));
    } else {
      md.append("# Premises of the slice hypothesis\n\n");
      about.forEach((k, v) -> md.append("- ").append(k).append(": `").append(v).append("`\n"));
    }
    if (outcomeTrials != null) {
      long t0 = System.nanoTime();
      PremiseOutcome.Rows rows = PremiseOutcome.measure(outcomeTrials, results,
          TrialResources.shared());
      seconds.put("outcome: step-0 slice energy of " + outcomeTrials.size() + " trials",
          (System.nanoTime() - t0) / 1e9);
      tables.put(PremiseOutcome.TABLE, rows.outcome());
      tables.put(PremiseOutcome.TRIALS_TABLE, rows.trials());
      summary.put("outcome", rows.outcome().stream().map(r -> Map.of("scope", r.get("scope"),
          "spearman_mean", String.valueOf(r.get("spearman_mean")),
          "predictive", r.get("predictive"))).toList());
      md.append(PremiseOutcome.markdown(rows, results));
    }
    seconds.put("total", (System.nanoTime() - start) / 1e9);
    md.append("\n## Cost (wall clock, seconds)\n\n| phase | seconds |\n| --- | --- |\n");
    seconds.forEach((phase, s) -> md.append("| ").append(phase).append(" | ")
        .append(String.format(Locale.ROOT, "%.1f", s)).append(" |\n"));
    return new Result(spec.backbone(), spec.dataset(), tables, md.toString(), summary, seconds);
  }

  private static Map<String, Object> about(TrialSpec spec, PremisesSettings settings,
      boolean outcomeOnly) {
    Map<String, Object> about = new LinkedHashMap<>();
    about.put("backbone", spec.backbone());
    about.put("dataset", spec.dataset());
    if (!outcomeOnly) {
      about.put("train_size", spec.trainSize());
      about.put("seed", spec.seed());
      about.put("ranks", new ArrayList<>(settings.ranks()));
      about.put("positions", settings.positions() + " evenly spaced + "
          + settings.randomPositions() + " random");
      about.put("null_draws", settings.nullDraws());
      about.put("targets", MethodOptions.isDefault(MethodOptions.targetList(settings.targets()))
          ? "the backbone's default (every encoder Linear of a text backbone, every convolution "
              + "of an image backbone)" : settings.targets());
    }
    return about;
  }
}
