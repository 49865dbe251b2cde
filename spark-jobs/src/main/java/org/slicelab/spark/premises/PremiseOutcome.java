package org.slicelab.spark.premises;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slicelab.ablations.backbone.Backbone;
import org.slicelab.ablations.premises.TrialSliceEnergy;
import org.slicelab.ablations.trial.TrialResources;
import org.slicelab.ablations.trial.TrialSpec;

/**
 * Does a configuration's step-0 slice energy predict its test accuracy? For the Figure 2 slice
 * trials of one (backbone, dataset) pair ({@link OutcomeTrials}): each trial's
 * {@link TrialSliceEnergy} (its own slices, seed, head and training examples) against its test
 * accuracy, as an {@link OutcomeCorrelation} over all the trials ({@code scope = all}) and over
 * the trials of each Figure 2 table ({@code rank}, {@code position}, {@code wanda}).
 *
 * <p>Rows of {@value #TABLE} (one per scope) and {@value #TRIALS_TABLE} (one per trial), each
 * with the pair's backbone, dataset and checksums.
 */
public final class PremiseOutcome {
  /** The correlation table. */
  public static final String TABLE = "premise_outcome";
  /** The per-trial table (energy and accuracy). */
  public static final String TRIALS_TABLE = "premise_outcome_trials";
  /** The scope over every trial. */
  public static final String ALL = "all";

  private PremiseOutcome() {
  }

  /**
   * Columns that can be null in every row of one pair (no seed with a rank correlation, no scope
   * of two configurations), declared so that every pair's file gives them the same type.
   */
  public static final Map<String, Object> NULLABLE_COLUMNS = Map.of("spearman_mean", 0.0,
      "ci_low", 0.0, "ci_high", 0.0, "concordant_seeds", 0L, "discordant_seeds", 0L,
      "sign_test_p", 0.0);

  /**
   * The rows of both tables.
   *
   * @param outcome rows of {@value #TABLE}
   * @param trials rows of {@value #TRIALS_TABLE}
   */
  public record Rows(List<Map<String, Object>> outcome, List<Map<String, Object>> trials) {
  }

  /**
   * Measures the energies of {@code trials} (all on one pair) and correlates them.
   *
   * @throws IllegalArgumentException when a trial ran on other weights or other training
   *     examples than this machine's (checked after loading the data, before any gradient)
   */
  public static Rows measure(List<OutcomeTrials.Trial> trials, String results,
      TrialResources resources) {
    List<TrialSpec> specs = trials.stream().map(OutcomeTrials.Trial::spec).toList();
    TrialSpec first = specs.get(0);
    Backbone backbone = resources.backbone(first.backbone());
    String dataSha = null;
    for (int i = 0; i < specs.size(); i++) {
      TrialResources.TaskData data = resources.taskData(specs.get(i));
      dataSha = data.dataChecksum();
      check(trials.get(i), "weights_sha256", backbone.weightsSha256());
      check(trials.get(i), "data_sha256", data.dataChecksum());
      check(trials.get(i), TrialResources.TRAIN_FINGERPRINT,
          data.fingerprints().get(TrialResources.TRAIN_FINGERPRINT));
    }
    Map<String, TrialSliceEnergy> energies = TrialSliceEnergy.measure(specs, resources);
    Map<String, Object> common = new LinkedHashMap<>();
    common.put("backbone", first.backbone());
    common.put("dataset", first.dataset());
    common.put("backbone_sha256", backbone.weightsSha256());
    common.put("data_sha256", dataSha);

    List<Map<String, Object>> trialRows = new ArrayList<>();
    Map<String, List<OutcomeCorrelation.Point>> scopes = new TreeMap<>();
    scopes.put(ALL, new ArrayList<>());
    for (int i = 0; i < specs.size(); i++) {
      TrialSpec spec = specs.get(i);
      OutcomeTrials.Trial trial = trials.get(i);
      TrialSliceEnergy energy = energies.get(spec.trialId());
      OutcomeCorrelation.Point point = new OutcomeCorrelation.Point(configuration(spec),
          spec.seed(), energy.share(), trial.testAcc());
      scopes.get(ALL).add(point);
      trial.tables().forEach(t -> scopes.computeIfAbsent(t, k -> new ArrayList<>()).add(point));
      Map<String, Object> row = new LinkedHashMap<>(common);
      row.put("train_ids_sha256", trial.trainIdsSha256());
      row.put("seed", spec.seed());
      row.put("trial_id", spec.trialId());
      row.put("tables", String.join(",", trial.tables()));
      row.put("init", spec.init());
      row.put("axis", String.valueOf(spec.get("mode")));
      row.put("rank", spec.get("rank"));
      row.put("position", String.valueOf(spec.get("position")));
      row.put("selector", String.valueOf(spec.get("selector")));
      row.put("configuration", configuration(spec));
      row.put("layers", energy.layers());
      row.put("slice_energy", energy.sliceEnergy());
      row.put("total_energy", energy.totalEnergy());
      row.put("energy_share", energy.share());
      row.put("test_acc", trial.testAcc());
      trialRows.add(row);
    }
    List<Map<String, Object>> outcomeRows = new ArrayList<>();
    List<String> order = new ArrayList<>(List.of(ALL));
    order.addAll(OutcomeTrials.TABLES);
    for (String scope : order) {
      List<OutcomeCorrelation.Point> points = scopes.get(scope);
      if (points == null) {
        continue;
      }
      OutcomeCorrelation c = OutcomeCorrelation.of(points);
      Map<String, Object> row = new LinkedHashMap<>(common);
      row.put("results", results);
      row.put("scope", scope);
      row.put("trials", points.size());
      row.put("configurations", c.configurations());
      row.put("seeds", c.seeds().size());
      row.put("spearman_per_seed", c.perSeedText());
      row.put("spearman_mean", nullable(c.mean()));
      row.put("ci_low", nullable(c.ciLow()));
      row.put("ci_high", nullable(c.ciHigh()));
      row.put("ci_level", OutcomeCorrelation.LEVEL);
      row.put("predictive", c.verdict());
      OutcomeCorrelation.Concordance pairs = OutcomeCorrelation.Concordance.of(points);
      row.put("concordant_seeds", pairs == null ? null : pairs.concordant());
      row.put("discordant_seeds", pairs == null ? null : pairs.discordant());
      row.put("sign_test_p", pairs == null ? null : pairs.signTestP());
      outcomeRows.add(row);
    }
    return new Rows(outcomeRows, trialRows);
  }

  /** The section of {@code PREMISES.md} on the outcome. */
  static String markdown(Rows rows, String results) {
    StringBuilder md = new StringBuilder("\n## Does step-0 slice energy predict the outcome?\n\n"
        + "Figure 2 slice trials of `" + results + "` (position, Wanda and rank panels): each "
        + "trial's share of the step-0 gradient energy of its sliced weights that falls on its "
        + "slices, against its test accuracy. Spearman's rho within each seed, the mean over "
        + "seeds with a " + Math.round(OutcomeCorrelation.LEVEL * 100) + "% t interval; "
        + "predictive `yes` when the interval excludes 0, `no` when it lies inside +-"
        + OutcomeCorrelation.NEGLIGIBLE + ". \"Any slice works\" predicts no dependence. "
        + "A scope of two configurations has no rank correlation within a seed; its last column "
        + "counts the seeds where the configuration with more step-0 energy was the more "
        + "accurate one, with a two-sided sign test (exploratory: added after the vision "
        + "confirmatory run's outcomes had been seen, no verdict).\n\n"
        + "| scope | trials | configurations | seeds | rho per seed | mean rho | interval "
        + "| predictive | more energy, more accurate (2 configurations) |\n"
        + "| --- | ---: | ---: | ---: | --- | ---: | --- | --- | --- |\n");
    for (Map<String, Object> r : rows.outcome()) {
      md.append("| ").append(r.get("scope")).append(" | ").append(r.get("trials"))
          .append(" | ").append(r.get("configurations")).append(" | ").append(r.get("seeds"))
          .append(" | ").append(r.get("spearman_per_seed")).append(" | ")
          .append(number(r.get("spearman_mean"))).append(" | [")
          .append(number(r.get("ci_low"))).append(", ").append(number(r.get("ci_high")))
          .append("] | ").append(r.get("predictive")).append(" | ").append(concordance(r))
          .append(" |\n");
    }
    return md.toString();
  }

  private static String concordance(Map<String, Object> r) {
    if (r.get("concordant_seeds") == null) {
      return "-";
    }
    int concordant = (Integer) r.get("concordant_seeds");
    int scored = concordant + (Integer) r.get("discordant_seeds");
    return concordant + " of " + scored + " seeds (sign test p = "
        + String.format(java.util.Locale.ROOT, "%.2g", (Double) r.get("sign_test_p")) + ")";
  }

  private static String number(Object v) {
    return v == null ? "-" : String.format(java.util.Locale.ROOT, "%+.3f", (Double) v);
  }

  /** A configuration: the slice fields of the spec (everything else is shared or the seed). */
  static String configuration(TrialSpec spec) {
    return "mode=" + spec.get("mode") + " rank=" + spec.get("rank") + " position="
        + spec.get("position") + " selector=" + spec.get("selector") + " lr=" + spec.lr()
        + " targets=" + spec.get("targets") + " head=" + spec.get("head");
  }

  private static void check(OutcomeTrials.Trial trial, String field, String here) {
    String recorded = switch (field) {
      case "weights_sha256" -> trial.weightsSha256();
      case "data_sha256" -> trial.dataSha256();
      default -> trial.trainIdsSha256();
    };
    if (recorded != null && !recorded.equals(here)) {
      throw new IllegalArgumentException("trial " + trial.spec().trialId() + " recorded "
          + field + " " + recorded + " but here it is " + here + ": the trial ran on other "
          + "inputs, so its step-0 slice energy cannot be recomputed");
    }
  }

  private static Double nullable(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
