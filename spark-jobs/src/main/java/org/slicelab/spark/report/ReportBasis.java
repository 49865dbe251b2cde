package org.slicelab.spark.report;

import java.util.HashSet;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.slicelab.spark.sequential.SequentialState;
import org.slicelab.spark.stats.LookPlan;

/**
 * What a plain {@code slicelab report} judges, and how: on a results directory written by
 * {@code --until-conclusive}, the recorded design (its margin, the error rate per look, the
 * verdicts frozen so far) at its last completed look (look 1 before that one completes), on that
 * look's seeds; otherwise every seed at the given margin in a single look. REPORT.md and the
 * README's claims table ({@link ClaimsMarkdown}) both start from it, so they judge alike.
 *
 * @param data the grid's trials (every seed)
 * @param settings margin, look plan, look and frozen verdicts
 * @param seeds the seeds judged; null for all
 * @param design the paragraph on the sequential design for REPORT.md ("" for none)
 */
public record ReportBasis(ReportData data, ClaimSettings settings, List<Long> seeds,
    String design) {
  /** Copies. */
  public ReportBasis {
    seeds = seeds == null ? null : List.copyOf(seeds);
  }

  /**
   * Loads the grid's trials and chooses the settings.
   *
   * @param margin the margin (points) of a directory without a recorded design
   * @throws IllegalArgumentException when there are no results or the grid is ambiguous
   */
  public static ReportBasis load(SparkSession spark, ReportOptions options, double margin) {
    ReportData data = ReportData.load(spark, options.results(), options.gridName());
    SequentialState state = SequentialState.read(options.results());
    if (state != null && state.grid().equals(data.grid())) {
      int look = Math.max(1, state.completedLooks());
      return new ReportBasis(data, state.settings(look), state.seedsAt(look),
          state.describe(look));
    }
    int seeds = (int) data.ok().stream().mapToLong(TrialPoint::seed).distinct().count();
    return new ReportBasis(data, new ClaimSettings(margin, LookPlan.single(seeds), 1), null, "");
  }

  /** The data with only the ok trials of the judged seeds. */
  public ReportData judged() {
    return seeds == null ? data : data.withSeeds(new HashSet<>(seeds));
  }

  /** The claims of each (backbone, dataset) pair, judged on {@link #judged()}. */
  public List<CombinationReport> judge() {
    return ReportJob.combinations(judged().ok(), settings);
  }
}
