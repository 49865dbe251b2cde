package org.slicelab.spark.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slicelab.ablations.backbone.Backbone;
import org.slicelab.ablations.backbone.Backbones;
import org.slicelab.ablations.data.Datasets;
import org.slicelab.ablations.premises.PremisesSettings;
import org.slicelab.ablations.trial.TrialResources;
import org.slicelab.ablations.trial.TrialSpec;
import org.slicelab.spark.premises.OutcomeTrials;
import org.slicelab.spark.premises.PairSpecs;
import org.slicelab.spark.premises.PremisesJob;
import org.slicelab.spark.premises.PremisesOutput;
import org.slicelab.spark.premises.PremisesPair;
import org.slicelab.spark.report.Combination;
import org.slicelab.spark.report.ReportJob;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code slicelab premises}: measures the premises of the slice hypothesis (spectral balance of
 * slices, task energy of layer inputs, step-0 slice gradient energy) on one (backbone, data set)
 * pair in this JVM, or on several pairs as a Spark job ({@code --grid}, {@code --pair}); with
 * {@code --results} also whether the step-0 slice energy predicts the Figure 2 outcome. Writes
 * the Parquet tables and {@code PREMISES.md} into {@code --out} ({@link PremisesOutput}).
 */
@Command(name = "premises", mixinStandardHelpOptions = true,
    description = "Measure spectral balance, task energy and step-0 slice gradient energy of "
        + "(backbone, dataset) pairs; writes Parquet tables and PREMISES.md; prints one JSON "
        + "line.")
public final class PremisesCommand implements Callable<Integer> {

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec command;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "output directory (one sub-directory per table, partitioned by pair; "
          + "PREMISES.md)")
  private Path out;

  @Option(names = "--ranks", split = ",", paramLabel = "R[,R...]", defaultValue = "1,5,8",
      description = "slice ranks (default: ${DEFAULT-VALUE})")
  private List<Integer> ranks;

  @Option(names = "--positions", paramLabel = "K", defaultValue = "16",
      description = "evenly spaced slice starts per matrix, axis and rank (default: ${DEFAULT-VALUE})")
  private int positions;

  @Option(names = "--random-positions", paramLabel = "N", defaultValue = "4",
      description = "further random starts, seeded by --seed (default: ${DEFAULT-VALUE})")
  private int randomPositions;

  @Option(names = "--null-draws", paramLabel = "N", defaultValue = "20",
      description = "Gaussian matrices per layer shape for the balance null (default: ${DEFAULT-VALUE})")
  private int nullDraws;

  @Option(names = "--results", paramLabel = "DIR",
      description = "a results directory with Figure 2 trials of the same pair(s): also write "
          + "premise_outcome (does the step-0 slice energy predict test accuracy?)")
  private String results;

  @Option(names = "--outcome-only",
      description = "measure only premise_outcome (needs --results)")
  private boolean outcomeOnly;

  @Option(names = "--grid", paramLabel = "FILE",
      description = "measure every (backbone, dataset) pair of this grid file, one Spark task "
          + "per pair, with the data options of the pair's first grid trial")
  private Path grid;

  @Option(names = "--pair", arity = "2", paramLabel = "BACKBONE DATASET",
      description = "measure this pair (repeatable), one Spark task per pair")
  private List<String> pairs;

  @Option(names = "--torch-threads", paramLabel = "N", defaultValue = "0",
      description = "torch intra-op threads per pair (0 = the engine's default); on a shared "
          + "machine 1 avoids OpenMP spinning (docs/premises.md, cost)")
  private int torchThreads;

  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master for --grid / --pair / --results (default: spark-submit's, "
          + "else local[*])")
  private String master;

  @Override
  public Integer call() {
    Map<String, Object> given = TrialOptions.given(command.commandLine().getParseResult());
    TrialSpec spec = TrialOptions.parse(command.commandLine().getParseResult());
    // --targets is the trial option (layer patterns; the default selects every weight layer)
    String targets = String.valueOf(spec.get("targets"));
    PremisesSettings settings = new PremisesSettings(targets, ranks, positions, randomPositions,
        nullDraws);
    if (torchThreads < 0) {
      throw new IllegalArgumentException("option '--torch-threads' = " + torchThreads
          + " is invalid: give 0 (the engine's default) or a positive count");
    }
    if (outcomeOnly && results == null) {
      throw new IllegalArgumentException("option '--outcome-only' needs '--results'");
    }
    if (grid != null && pairs != null) {
      throw new IllegalArgumentException("options '--grid' and '--pair' exclude each other");
    }
    boolean several = grid != null || pairs != null;
    List<TrialSpec> specs = grid != null ? PairSpecs.fromGrid(grid, given)
        : pairs != null ? PairSpecs.fromPairs(pairs, given) : List.of(spec);
    if (several) {
      PairSpecs.check(specs, given);
    }
    for (TrialSpec pair : specs) {
      Backbone backbone = Backbones.get(pair.backbone());
      if (!outcomeOnly) {
        settings.check(backbone.architecture());
      }
      TrialResources.checkModalities(pair, backbone, Datasets.get(pair.dataset()));
    }
    PremisesOutput.checkWritable(out);

    List<PremisesJob.PairInput> inputs = new ArrayList<>();
    List<PremisesJob.PairOutcome> outcomes;
    try (ReportJob.Session session = several || results != null ? ReportJob.session(master)
        : null) {
      List<OutcomeTrials.Trial> trials = results == null ? null
          : OutcomeTrials.read(session.spark(), results, "--results");
      for (TrialSpec pair : specs) {
        inputs.add(new PremisesJob.PairInput(pair.toJson(), settings, trials == null ? null
            : OutcomeTrials.forPair(trials, new Combination(pair.backbone(), pair.dataset()),
                results, "--results"), results, outcomeOnly, torchThreads));
      }
      if (several) {
        outcomes = PremisesJob.run(session.spark(), inputs, out, System.err);
      } else {
        PremisesJob.PairInput input = inputs.get(0);
        PremisesPair.Result result = PremisesPair.measure(spec, settings,
            input.outcomeTrials(), results, outcomeOnly, torchThreads);
        PremisesOutput.write(out, result);
        outcomes = List.of(new PremisesJob.PairOutcome(result.pair(), result, null));
      }
    }
    return report(outcomes);
  }

  private Integer report(List<PremisesJob.PairOutcome> outcomes) {
    boolean allOk = outcomes.stream().allMatch(o -> o.error() == null);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("command", "premises");
    json.put("status", allOk ? "ok" : "not all ok");
    json.put("out", out.toString());
    json.put("ranks", ranks);
    json.put("positions", positions + " evenly spaced + " + randomPositions + " random");
    json.put("null_draws", nullDraws);
    List<Map<String, Object>> perPair = new ArrayList<>();
    for (PremisesJob.PairOutcome o : outcomes) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("backbone", o.pair().backbone());
      p.put("dataset", o.pair().dataset());
      p.put("status", o.error() == null ? "ok" : "failed");
      if (o.error() != null) {
        p.put("error", o.error());
      } else {
        p.put("phase_seconds", o.result().seconds());
        p.put("summary", o.result().summary());
      }
      perPair.add(p);
    }
    if (perPair.size() == 1 && allOk) {
      json.putAll(perPair.get(0));
      json.put("status", "ok");
    } else {
      json.put("pairs", perPair);
    }
    System.out.println(JsonLine.of(json));
    return allOk ? SliceLab.EXIT_OK : SliceLab.EXIT_NOT_ALL_OK;
  }
}
