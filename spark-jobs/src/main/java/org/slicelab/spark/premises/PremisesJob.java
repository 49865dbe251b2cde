package org.slicelab.spark.premises;

import java.io.PrintStream;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slicelab.ablations.premises.PremisesSettings;
import org.slicelab.ablations.trial.TrialSpec;
import org.slicelab.spark.report.Combination;

/**
 * {@code premises} over several (backbone, dataset) pairs as a Spark job, like a sweep: one task
 * per pair (its own Spark job, all submitted at once, so they run side by side as task slots
 * allow), each measuring {@link PremisesPair} in the executor; the driver writes each pair's
 * tables as soon as its task ends ({@link PremisesOutput}: one partition per pair, renamed into
 * place). A failed pair is reported and leaves the others' tables written.
 */
public final class PremisesJob {
  private PremisesJob() {
  }

  /**
   * One task's input.
   *
   * @param specJson the pair's spec (backbone, dataset, data options, seed)
   * @param settings what to measure
   * @param outcomeTrials the pair's Figure 2 slice trials, or null
   * @param results where they came from
   * @param outcomeOnly only the outcome table
   * @param torchThreads torch intra-op threads of the task; 0 = the engine's setting
   */
  public record PairInput(String specJson, PremisesSettings settings,
      List<OutcomeTrials.Trial> outcomeTrials, String results, boolean outcomeOnly,
      int torchThreads) implements Serializable {
    /** The pair. */
    public Combination pair() {
      TrialSpec spec = TrialSpec.fromJson(specJson);
      return new Combination(spec.backbone(), spec.dataset());
    }
  }

  /**
   * What happened to one pair.
   *
   * @param pair the pair
   * @param result its result (null when it failed)
   * @param error why it failed (null when ok)
   */
  public record PairOutcome(Combination pair, PremisesPair.Result result, String error) {
  }

  /** Runs every pair; writes each ok pair into {@code out} as it finishes. */
  public static List<PairOutcome> run(SparkSession spark, List<PairInput> inputs, Path out,
      PrintStream log) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Map<PairInput, JavaFutureAction<List<PremisesPair.Result>>> running = new LinkedHashMap<>();
    for (PairInput input : inputs) {
      jsc.setJobDescription("premises " + input.pair().label());
      running.put(input, jsc.parallelize(List.of(input), 1).map(PremisesJob::measure)
          .collectAsync());
    }
    List<PairOutcome> outcomes = new ArrayList<>();
    try {
      while (!running.isEmpty()) {
        PairInput done = running.entrySet().stream().filter(e -> e.getValue().isDone())
            .map(Map.Entry::getKey).findFirst().orElse(null);
        if (done == null) {
          Thread.sleep(200);
          continue;
        }
        JavaFutureAction<List<PremisesPair.Result>> future = running.remove(done);
        try {
          PremisesPair.Result result = future.get().get(0);
          PremisesOutput.write(out, result);
          log.printf("[premises] %s: written (%.1f s)%n", done.pair().label(),
              result.seconds().getOrDefault("total", Double.NaN));
          outcomes.add(new PairOutcome(done.pair(), result, null));
        } catch (ExecutionException e) {
          String error = rootMessage(e);
          log.println("[premises] " + done.pair().label() + ": failed: " + error);
          outcomes.add(new PairOutcome(done.pair(), null, error));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running.values().forEach(f -> f.cancel(true));
      throw new IllegalStateException("premises interrupted; finished pairs are written", e);
    }
    return outcomes;
  }

  private static PremisesPair.Result measure(PairInput input) {
    return PremisesPair.measure(TrialSpec.fromJson(input.specJson()), input.settings(),
        input.outcomeTrials(), input.results(), input.outcomeOnly(), input.torchThreads());
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String message = t.getMessage() == null ? t.toString() : t.getMessage();
    // Spark wraps task failures as "Job aborted due to stage failure: ... : <exception>"
    return message.length() > 2000 ? message.substring(0, 2000) + " ..." : message;
  }
}
