package org.slicelab.spark.report;

import java.util.List;
import java.util.Map;

/**
 * The report's findings on one (backbone, dataset) pair.
 *
 * @param combination the pair
 * @param trials its ok trials
 * @param points its Figure 2 points by table key ({@link Figure2Panels#aggregate})
 * @param claims every claim judged on its points alone ({@link ClaimRules})
 * @param figureDir where its figures are, relative to the report directory ("" = the report
 *     directory itself, the single-pair layout)
 */
public record CombinationReport(Combination combination, List<TrialPoint> trials,
    Map<String, List<PanelPoint>> points, List<Claim> claims, String figureDir) {
  /** Copies the lists. */
  public CombinationReport {
    trials = List.copyOf(trials);
    claims = List.copyOf(claims);
  }

  /** The claim with this id, or null when it was not judged on this pair. */
  public Claim claim(String id) {
    return claims.stream().filter(c -> c.id().equals(id)).findFirst().orElse(null);
  }

  /** {@code figureDir/name}, or {@code name} in the single-pair layout. */
  public String figurePath(String name) {
    return figureDir.isEmpty() ? name : figureDir + "/" + name;
  }
}
