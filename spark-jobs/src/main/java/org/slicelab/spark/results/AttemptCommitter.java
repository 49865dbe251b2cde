package org.slicelab.spark.results;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The driver-side commit of one sweep invocation: turns finished {@link TrialAttempt}s into rows
 * and appends them to a {@link ResultStore} as one batch, <em>at most once per trial id</em>.
 *
 * <p>A trial can finish twice: a task retried after a lost executor whose first attempt's
 * result still arrived, a speculative copy of a slow task, or a duplicate completion event. The
 * first attempt committed for a trial id wins; later ones are returned as duplicates and never
 * written, so the {@code trials} table holds one row per trial and run (a later
 * {@code --retry-failed} invocation is a new committer and may add a new attempt).
 */
public final class AttemptCommitter {
  private final ResultStore store;
  private final RunInfo run;
  private final Function<String, List<String>> panelsOf;
  private final Set<String> committed = new HashSet<>();

  /**
   * @param store where to append
   * @param run the invocation's sweep id, grid and Spark application
   * @param panelsOf the panels of a trial id
   */
  public AttemptCommitter(ResultStore store, RunInfo run,
      Function<String, List<String>> panelsOf) {
    this.store = store;
    this.run = run;
    this.panelsOf = panelsOf;
  }

  /** What one {@link #commit} did. */
  public record Outcome(List<TrialAttempt> committed, List<TrialAttempt> duplicates,
      String batch) {
  }

  /**
   * Commits the attempts of trials not committed before by this committer, in one atomic batch
   * (trial rows, curves and predictions); the others are returned as duplicates.
   */
  public Outcome commit(List<TrialAttempt> attempts) {
    List<TrialAttempt> fresh = new ArrayList<>();
    List<TrialAttempt> duplicates = new ArrayList<>();
    Set<String> inBatch = new HashSet<>();
    for (TrialAttempt a : attempts) {
      if (committed.contains(a.trialId()) || !inBatch.add(a.trialId())) {
        duplicates.add(a);
      } else {
        fresh.add(a);
      }
    }
    List<Map<String, Object>> trialRows = new ArrayList<>();
    List<Map<String, Object>> curveRows = new ArrayList<>();
    List<Map<String, Object>> predictionRows = new ArrayList<>();
    for (TrialAttempt a : fresh) {
      trialRows.add(TrialRows.trial(a, run, panelsOf.apply(a.trialId())));
      curveRows.addAll(TrialRows.curves(a));
      predictionRows.addAll(TrialRows.predictions(a));
    }
    String batch = store.append(trialRows, curveRows, predictionRows);
    fresh.forEach(a -> committed.add(a.trialId()));
    return new Outcome(fresh, duplicates, batch);
  }

  /** Whether an attempt of {@code trialId} was committed by this committer. */
  public boolean isCommitted(String trialId) {
    return committed.contains(trialId);
  }
}
