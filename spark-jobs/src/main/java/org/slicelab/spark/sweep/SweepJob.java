package org.slicelab.spark.sweep;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.SimpleFutureAction;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.slicelab.ablations.trial.TrialStatus;
import org.slicelab.spark.grid.Grid;
import org.slicelab.spark.grid.GridLoader;
import org.slicelab.spark.grid.Panel;
import org.slicelab.spark.grid.PlannedTrial;
import org.slicelab.spark.results.AttemptCommitter;
import org.slicelab.spark.results.ResultStore;
import org.slicelab.spark.results.RunInfo;
import org.slicelab.spark.results.TrialAttempt;
import org.slicelab.spark.results.TrialRows;
import scala.concurrent.ExecutionContext$;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction0;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;
import scala.util.Try;

/**
 * The sweep driver: grid to plan to one Spark task per trial to committed Parquet batches.
 *
 * <ol>
 *   <li>Load, expand and validate the grid ({@link GridLoader}); read what the output directory
 *       already holds and plan ({@link SweepPlan}). Errors here stop the sweep before Spark
 *       starts and before anything is written. {@code --dry-run} stops here.
 *   <li>Record the grid's (panel, trial) membership in the {@code panels} table.
 *   <li>Parallelize the trials to run with one partition each and submit <em>one Spark job per
 *       partition</em>, all at once (FIFO: they start in grid order as task slots free up). Each
 *       job's completion callback puts its {@link TrialAttempt} (or, when the task itself died, a
 *       failed attempt) on a queue.
 *   <li>The driver thread takes finished attempts off the queue as they arrive and commits them
 *       at once, batching whatever finished together, so each finished trial is on disk within
 *       a moment and a killed driver loses only trials still running. The results are written
 *       by the driver itself ({@link AttemptCommitter}: at most one attempt per trial, however
 *       often it ran), never by a Spark job that would queue behind running trials for a task
 *       slot.
 * </ol>
 *
 * <p>Fault tolerance: trial exceptions never fail a task ({@link TrialTask} turns them into
 * rows), so a failed task means the infrastructure failed: a lost executor or worker, or a
 * trial that kills its JVM. Spark retries such a task up to {@code spark.task.maxFailures}
 * times (4 here), on another executor and, after two failures on one node, another node
 * ({@code spark.excludeOnFailure}); one job per trial keeps the other trials running meanwhile.
 * A trial whose task still fails is recorded once, as {@code crashed} with the executor's exit
 * cause ({@link TaskFailure}), and the sweep goes on.
 */
public final class SweepJob {
  /** Spark settings applied unless already set (spark-submit --conf or --conf). */
  public static final Map<String, String> SPARK_DEFAULTS = Map.of(
      "spark.task.maxFailures", "4",
      "spark.excludeOnFailure.enabled", "true",
      "spark.executorEnv.DJL_OFFLINE", "true",
      "spark.executorEnv.MALLOC_ARENA_MAX", "2",
      "spark.executorEnv.CUDA_DEVICE_ORDER", "PCI_BUS_ID",
      "spark.ui.showConsoleProgress", "false");
  private static final DateTimeFormatter SWEEP_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private SweepJob() {
  }

  /** A finished trial: an attempt to commit, or a job that ended without one (lost). */
  private record Finished(TrialInput input, TrialAttempt attempt, Throwable lost) {
  }

  /**
   * Runs a sweep and returns its summary; progress goes to {@code log}. The dry-run summary has
   * {@code ran = 0} and {@code skipped} = trials that would be skipped.
   *
   * @throws IllegalArgumentException for a bad grid or output directory (nothing written)
   */
  public static SweepSummary run(SweepOptions options, PrintStream log) {
    return run(GridLoader.load(options.grid()), options, null, log);
  }

  /**
   * Runs the trials of an already loaded (possibly extended) {@code grid}. With a Spark context
   * the trials become new jobs of that running application, which is left running; with null
   * the sweep starts and stops its own.
   */
  public static SweepSummary run(Grid grid, SweepOptions options, JavaSparkContext context,
      PrintStream log) {
    long start = System.nanoTime();
    ResultStore store = ResultStore.open(options.out());
    SweepPlan plan = SweepPlan.of(grid, store.statusesByTrial(), options.retryFailed());
    String sweepId = "s" + SWEEP_TIME.format(Instant.now()) + "-"
        + UUID.randomUUID().toString().substring(0, 8);
    log.printf("[sweep] grid %s (%s): %d trials in %d panels; %d to run, %d skipped "
            + "(%d ok, %d not ok%s)%s%n", grid.name(), options.grid(), plan.total(),
        grid.panels().size(), plan.toRun().size(), plan.skipped(), plan.skippedOk(),
        plan.skippedNotOk(), plan.skippedNotOk() > 0 ? ": --retry-failed reruns them" : "",
        plan.retried() > 0 ? "; retrying " + plan.retried() : "");
    if (options.dryRun()) {
      return new SweepSummary(plan.total(), nothingRun(plan), seconds(start), store.location(),
          grid.name(), 0, null);
    }

    // a local master's GPUs, checked before anything is written (only when trials will run)
    SparkConf conf = context != null ? context.getConf() : sparkConf(options, grid);
    int localGpus = plan.toRun().isEmpty() ? 0 : LocalGpus.resolve(options.localGpus(),
        conf.get("spark.master"));
    store.prepare();
    store.cleanStaging(Duration.ofHours(12));
    RunInfo.GitState git = RunInfo.gitState();
    RunInfo run = new RunInfo(sweepId, grid.name(), options.grid().toString(), git.commit(),
        git.dirty(), null, null);
    recordPanels(store, grid, run);
    if (plan.toRun().isEmpty()) {
      store.finish();
      log.println("[sweep] nothing to run; results in " + store.location());
      return new SweepSummary(plan.total(), nothingRun(plan), seconds(start), store.location(),
          grid.name(), 0, sweepId);
    }

    double planSeconds = seconds(start);
    long sparkStart = System.nanoTime();
    JavaSparkContext jsc = context != null ? context
        : new JavaSparkContext(conf);
    try {
      run = run.withSpark(jsc.master(), jsc.sc().applicationId());
      double sparkSeconds = seconds(sparkStart);
      log.printf("[sweep] %s on %s (app %s), writing to %s%n", sweepId, jsc.master(),
          jsc.sc().applicationId(), store.location());
      long trialsStart = System.nanoTime();
      if (localGpus > 0) {
        log.printf("[sweep] %d local GPU(s): one trial per GPU at a time%n", localGpus);
      }
      TrialCounts.Tally tally = execute(jsc, options, grid, plan, store, run, localGpus, log);
      TrialCounts counts = tally.counts();
      log.printf(java.util.Locale.ROOT, "[sweep] %d ran (%d ok, %d failed, %d diverged, %d timeout,"
              + " %d crashed) in %.1f s: grid and plan %.1f s, Spark start %.1f s, trials %.1f s "
              + "(sum of trial_seconds %.1f s, %d cores)%n", counts.ran(), counts.ok(),
          counts.failed(), counts.diverged(), counts.timeout(), counts.crashed(), seconds(start),
          planSeconds, sparkSeconds, seconds(trialsStart), tally.trialSeconds(),
          jsc.sc().defaultParallelism());
      return new SweepSummary(plan.total(), counts, seconds(start), store.location(),
          grid.name(), tally.trialSeconds(), sweepId);
    } finally {
      if (context == null) {
        jsc.stop();
      }
      store.finish();
    }
  }

  /** The counts of an invocation that runs no trial. */
  private static TrialCounts nothingRun(SweepPlan plan) {
    return new TrialCounts.Tally(plan.skipped(), plan.skippedNotOk()).counts();
  }

  private static TrialCounts.Tally execute(JavaSparkContext jsc, SweepOptions options, Grid grid,
      SweepPlan plan, ResultStore store, RunInfo run, int localGpus, PrintStream log) {
    List<TrialInput> inputs = new ArrayList<>();
    Map<String, PlannedTrial> planned = new HashMap<>();
    for (PlannedTrial trial : plan.toRun()) {
      inputs.add(new TrialInput(inputs.size(), trial.trialId(), trial.spec().toJson()));
      planned.put(trial.trialId(), trial);
    }
    int n = inputs.size();
    TrialTask task = new TrialTask(options.trialTimeoutSeconds(), options.allowCpuFallback(),
        options.torchThreads(), localGpus);
    BlockingQueue<Finished> finished = new LinkedBlockingQueue<>();
    String group = "slicelab-" + run.sweepId();
    jsc.setJobGroup(group, "SliceLab sweep " + grid.name(), true);
    List<String> varying = grid.varyingFields();
    for (TrialInput input : inputs) {
      jsc.setJobDescription("trial " + (input.index() + 1) + "/" + n + " "
          + input.trialId().substring(0, 12) + " " + label(planned.get(input.trialId()), varying));
      submit(jsc, task, input, finished);
    }

    TrialCounts.Tally tally = new TrialCounts.Tally(plan.skipped(), plan.skippedNotOk());
    Progress progress = new Progress(log, n, varying);
    AttemptCommitter committer = new AttemptCommitter(store, run,
        id -> planned.get(id).panels());
    Set<String> settled = new HashSet<>(); // trials committed or lost; a trial may finish twice
    try {
      while (settled.size() < n) {
        Finished first = finished.poll(2, TimeUnit.SECONDS);
        if (first == null) {
          if (jsc.sc().isStopped()) {
            throw new IllegalStateException("Spark stopped while " + (n - settled.size())
                + " trial(s) were running; rerun the same command to resume");
          }
          continue;
        }
        List<Finished> batch = new ArrayList<>(List.of(first));
        finished.drainTo(batch);
        batch.forEach(f -> settled.add(f.input().trialId()));
        List<TrialAttempt> attempts = new ArrayList<>();
        for (Finished f : batch) {
          if (f.attempt() == null) {
            tally.notRecorded();
            log.println("[sweep] trial " + f.input().trialId().substring(0, 12) + " not recorded "
                + "(its job ended without a result: " + f.lost() + "); a rerun will run it");
          } else {
            attempts.add(f.attempt());
          }
        }
        AttemptCommitter.Outcome outcome = committer.commit(attempts);
        for (TrialAttempt a : outcome.committed()) {
          tally.add(a);
          progress.finished(a, planned.get(a.trialId()).spec().toMap());
        }
        for (TrialAttempt a : outcome.duplicates()) {
          log.println("[sweep] trial " + a.trialId().substring(0, 12) + " finished again ("
              + a.status() + " on executor " + a.executorId() + "); already committed, ignored");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      jsc.sc().cancelJobGroup(group);
      throw new IllegalStateException("sweep interrupted; rerun to resume", e);
    } catch (RuntimeException e) {
      jsc.sc().cancelJobGroup(group);
      throw e;
    }
    int notRecorded = tally.counts().notRecorded();
    if (notRecorded > 0) {
      log.println("[sweep] " + notRecorded + " trial(s) were not recorded; rerun to run "
          + "them");
    }
    return tally;
  }

  /**
   * Submits the job of one trial; its completion (success or failure) lands on
   * {@code finished}. Each trial gets an RDD of its own: when Spark aborts a stage (a task that
   * used up its attempts), it fails every active job whose final RDD reaches the failed stage's
   * RDD, so on one shared RDD a single crashing trial would abort every trial running or
   * waiting at that moment, each then recorded as crashed with the other trial's exit cause.
   */
  private static void submit(JavaSparkContext jsc, TrialTask task, TrialInput input,
      BlockingQueue<Finished> finished) {
    long submitted = System.currentTimeMillis();
    AtomicReference<TrialAttempt> slot = new AtomicReference<>();
    JavaRDD<TrialInput> rdd = jsc.parallelize(List.of(input), 1);
    @SuppressWarnings({"unchecked", "rawtypes"})
    scala.collection.immutable.Seq<Object> partition = (scala.collection.immutable.Seq)
        CollectionConverters.asScala(List.<Object>of(0)).toList();
    SimpleFutureAction<TrialAttempt> future = jsc.sc().submitJob(rdd.rdd(), task, partition,
        new AbstractFunction2<Object, TrialAttempt, BoxedUnit>() {
          @Override
          public BoxedUnit apply(Object index, TrialAttempt attempt) {
            slot.set(attempt);
            return BoxedUnit.UNIT;
          }
        },
        new AbstractFunction0<TrialAttempt>() {
          @Override
          public TrialAttempt apply() {
            return slot.get();
          }
        });
    future.onComplete(new AbstractFunction1<Try<TrialAttempt>, BoxedUnit>() {
      @Override
      public BoxedUnit apply(Try<TrialAttempt> outcome) {
        if (outcome.isSuccess()) {
          finished.add(new Finished(input, outcome.get(), null));
        } else {
          Throwable error = outcome.failed().get();
          TaskFailure failure = TaskFailure.of(error);
          if (failure != null && !jsc.sc().isStopped()) {
            finished.add(new Finished(input, TrialAttempt.recordedByDriver(input.trialId(),
                input.specJson(), failure.executorLost() ? TrialStatus.CRASHED
                    : TrialStatus.FAILED, failure.describe(), failure.host(),
                failure.executorId(), Math.max(0, failure.attempts() - 1), submitted), null));
          } else {
            finished.add(new Finished(input, null, error));
          }
        }
        return BoxedUnit.UNIT;
      }
    }, ExecutionContext$.MODULE$.fromExecutor(Runnable::run));
  }

  private static void recordPanels(ResultStore store, Grid grid, RunInfo run) {
    Set<List<String>> known = store.panelEntries();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Panel panel : grid.panels()) {
      for (var spec : panel.trials()) {
        String id = spec.trialId();
        if (!known.contains(List.of(grid.name(), panel.name(), id))) {
          rows.add(TrialRows.panel(run, panel.name(), id));
        }
      }
    }
    store.appendPanels(rows);
  }

  /** Spark settings: spark.* system properties, then --master, --conf, then our defaults. */
  public static SparkConf sparkConf(SweepOptions options, Grid grid) {
    SparkConf conf = new SparkConf(true);
    conf.setAppName("slicelab sweep " + grid.name());
    if (options.master() != null && !options.master().isBlank()) {
      conf.setMaster(options.master());
    } else if (!conf.contains("spark.master")) {
      conf.setMaster("local[*]");
    }
    options.sparkConf().forEach(conf::set);
    SPARK_DEFAULTS.forEach(conf::setIfMissing);
    // the allocator bin/slicelab preloaded into the driver (SLICELAB_MALLOC) and its release
    // rate, for executors too; a node without that file warns once per JVM and runs with its
    // default allocator
    for (String name : List.of("LD_PRELOAD", "TCMALLOC_RELEASE_RATE")) {
      String value = System.getenv(name);
      if (value != null && !value.isBlank()) {
        conf.setIfMissing("spark.executorEnv." + name, value);
      }
    }
    return conf;
  }

  private static String label(PlannedTrial trial, List<String> varying) {
    Map<String, Object> values = trial.spec().toMap();
    Map<String, Object> shown = new LinkedHashMap<>();
    varying.forEach(f -> shown.put(f, values.get(f)));
    return shown.toString();
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
