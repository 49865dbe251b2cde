package org.slicelab.spark.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.SparkSession;
import org.slicelab.spark.sequential.SequentialState;

/**
 * The paper claims' table as Markdown, for the README's generated claims section
 * ({@code slicelab report --claims-markdown}): judged exactly as a plain {@code report} judges
 * ({@link ReportBasis}: a sequential run's stored design, its last completed look's seeds and its
 * frozen verdicts) and rendered by the same code as REPORT.md's claims table, paper claims only.
 * The text holds no date, path or run-dependent wording, so the same results always give the
 * same text; a sequential run that has not completed its first look gives
 * {@link #NO_COMPLETED_LOOK}.
 *
 * @param grid the grid judged (before the first look: the grid of the design)
 * @param look the look judged (0 before the first look; 1 for a plain results directory)
 * @param looks the looks of the design (1 for a plain results directory)
 * @param combinations the claims per (backbone, dataset) pair (empty before the first look)
 * @param text the Markdown
 */
public record ClaimsMarkdown(String grid, int look, int looks,
    List<CombinationReport> combinations, String text) {
  /** The whole text while a sequential run has not completed its first look. */
  public static final String NO_COMPLETED_LOOK =
      "(the evidence run has not completed its first look yet)";

  /** Copies. */
  public ClaimsMarkdown {
    combinations = List.copyOf(combinations);
  }

  /**
   * Judges the claims of {@code options.results()} and renders them.
   *
   * @param margin the margin (points) of a results directory without a recorded design
   * @throws IllegalArgumentException when there are no results or the grid is ambiguous
   */
  public static ClaimsMarkdown compute(SparkSession spark, ReportOptions options,
      double margin) {
    SequentialState state = SequentialState.read(options.results());
    if (state != null && state.completedLooks() == 0
        && (options.gridName() == null || options.gridName().equals(state.grid()))) {
      return new ClaimsMarkdown(state.grid(), 0, state.plan().looks(), List.of(),
          NO_COMPLETED_LOOK);
    }
    ReportBasis basis = ReportBasis.load(spark, options, margin);
    List<CombinationReport> combos = basis.judge();
    return new ClaimsMarkdown(basis.data().grid(), basis.settings().look(),
        basis.settings().plan().looks(), combos, render(basis, combos));
  }

  private static String render(ReportBasis basis, List<CombinationReport> combos) {
    ClaimSettings settings = basis.settings();
    StringBuilder md = new StringBuilder();
    md.append("Grid `").append(basis.data().grid()).append("`, ");
    if (basis.seeds() == null) {
      md.append("every seed recorded (")
          .append(basis.judged().ok().stream().mapToLong(TrialPoint::seed).distinct().count())
          .append("), ");
    } else {
      md.append("look ").append(settings.look()).append(" of ").append(settings.plan().looks())
          .append(": seeds ").append(basis.seeds()).append(" (a look gives its seeds only to ")
          .append("the configurations of claims still open), ");
    }
    md.append(okTrials(basis.judged().ok())).append(". ").append(ReportMarkdown.levels(settings))
        .append('\n');
    for (CombinationReport c : combos) {
      List<Claim> paper = c.claims().stream().filter(Claim::paperClaim).toList();
      md.append('\n');
      if (combos.size() > 1) {
        md.append("**").append(c.combination().label()).append("** (")
            .append(okTrials(c.trials())).append(")\n\n");
      } else {
        md.append("Backbone `").append(c.combination().backbone()).append("`, data set `")
            .append(c.combination().dataset()).append("`.\n\n");
      }
      ReportMarkdown.claimsTable(md, paper, settings);
      md.append('\n').append(tally(paper, settings)).append('\n');
    }
    return md.toString().strip();
  }

  private static String okTrials(List<TrialPoint> trials) {
    long n = trials.stream().map(TrialPoint::trialId).distinct().count();
    return n + " ok trial" + (n == 1 ? "" : "s") + " judged";
  }

  /** E.g. "Decided: 4 of 7 paper claims at ±1 (4 reproduced, 0 not reproduced), 6 at ±2 ...". */
  private static String tally(List<Claim> paper, ClaimSettings settings) {
    return "Decided: " + count(paper, Claim::verdict, null) + " of " + paper.size()
        + " paper claims at ±" + ClaimText.fmt(settings.margin()) + " ("
        + count(paper, Claim::verdict, Claim.REPRODUCED) + " reproduced, "
        + count(paper, Claim::verdict, Claim.NOT_REPRODUCED) + " not reproduced), "
        + count(paper, Claim::verdictWide, null) + " at ±"
        + ClaimText.fmt(ClaimSettings.WIDE_MARGIN) + " ("
        + count(paper, Claim::verdictWide, Claim.REPRODUCED) + " reproduced, "
        + count(paper, Claim::verdictWide, Claim.NOT_REPRODUCED) + " not reproduced).";
  }

  /** Claims whose verdict is {@code verdict}, or decided (not inconclusive) when null. */
  private static long count(List<Claim> claims, Function<Claim, String> of,
      String verdict) {
    return claims.stream().map(of).filter(v -> verdict == null
        ? !v.equals(Claim.INCONCLUSIVE) : v.equals(verdict)).count();
  }

  /**
   * The JSON line's fields: grid, look, looks and, per (backbone, dataset) pair, the verdict of
   * every paper claim at the margin and at ±2.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("command", "report");
    m.put("output", "claims-markdown");
    m.put("grid", grid);
    m.put("look", look);
    m.put("looks", looks);
    m.put("verdicts", verdicts(Claim::verdict));
    m.put("verdicts_at_2_points", verdicts(Claim::verdictWide));
    return m;
  }

  private Map<String, Map<String, String>> verdicts(Function<Claim, String> of) {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    for (CombinationReport c : combinations) {
      Map<String, String> byClaim = new LinkedHashMap<>();
      c.claims().stream().filter(Claim::paperClaim).forEach(claim -> byClaim.put(claim.id(),
          of.apply(claim)));
      out.put(c.combination().label(), byClaim);
    }
    return out;
  }
}
