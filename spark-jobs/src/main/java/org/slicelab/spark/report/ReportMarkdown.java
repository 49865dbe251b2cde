package org.slicelab.spark.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Writes {@code REPORT.md}: protocol, claims table, figures, panel tables and failures; with
 * several (backbone, dataset) pairs, a universality section and then those sections per pair.
 */
final class ReportMarkdown {
  private ReportMarkdown() {
  }

  static String render(ReportData data, List<CombinationReport> combos, String results,
      ClaimSettings settings, String design) {
    return render(data, combos, results, settings, design, PremisesSection.none(), Map.of());
  }

  static String render(ReportData data, List<CombinationReport> combos, String results,
      ClaimSettings settings, String design, PremisesSection premises,
      Map<Combination, String> premiseFigures) {
    boolean several = combos.size() > 1;
    StringBuilder md = new StringBuilder();
    md.append("# SliceLab Figure 2 report: grid `").append(data.grid()).append("`\n\n");
    md.append("Generated ").append(Instant.now().toString().replaceFirst("\\.\\d+Z$", "Z"))
        .append(" by `slicelab report` from `").append(results).append("`. ");
    if (several) {
      md.append("Trials on ").append(combos.size()).append(" (backbone, dataset) pairs; every ")
          .append("claim is judged on each pair's own trials (universality table below). ");
    } else {
      Combination pair = combos.get(0).combination();
      md.append("Backbone `").append(pair.backbone()).append("`, data set `")
          .append(pair.dataset()).append("`. ");
    }
    md.append("Accuracies are ")
        .append("test accuracies in percent unless marked; panel tables show the mean over ")
        .append("seeds with a 95% Student-t interval over seeds (undefined, shown as `-`, with ")
        .append("one seed). The claims use the paired, crossed intervals described below.\n\n");

    if (!several) {
      CombinationReport only = combos.get(0);
      md.append("## Protocol\n\n").append(protocol(only.trials())).append('\n');
      if (!design.isEmpty()) {
        md.append("## Sequential design\n\n").append(design).append("\n\n");
      }
      claims(md, "##", only.claims(), settings);
      md.append('\n').append(RULES).append("\n\n");
      figures(md, "##", only);
      if (!premises.isEmpty()) {
        md.append(premises.markdown("##", combos, premiseFigures));
      }
    } else {
      if (!design.isEmpty()) {
        md.append("## Sequential design\n\n").append(design).append("\n\n");
      }
      universality(md, combos, settings, premises);
      if (!premises.isEmpty()) {
        md.append(premises.markdown("##", combos, premiseFigures));
      }
      md.append(RULES).append("\n\n");
      for (CombinationReport c : combos) {
        md.append("## ").append(c.combination().label()).append("\n\n");
        md.append("Figures in `").append(c.figureDir()).append("/`.\n\n");
        md.append("### Protocol\n\n").append(protocol(c.trials())).append('\n');
        claims(md, "###", c.claims(), settings);
        md.append('\n');
        figures(md, "###", c);
      }
    }

    md.append("## Failures\n\n");
    md.append("Latest attempt of each of the grid's ")
        .append(data.statusCounts().values().stream().mapToLong(Long::longValue).sum())
        .append(" trials (").append(data.attempts()).append(" attempts recorded):\n\n");
    md.append("| status | trials |\n| --- | ---: |\n");
    data.statusCounts().forEach((s, n) -> md.append("| ").append(s).append(" | ").append(n)
        .append(" |\n"));
    md.append('\n');
    if (data.failures().isEmpty()) {
      md.append("No failed, diverged, timed-out or missing trials.\n");
    } else {
      Map<String, List<ReportData.Failure>> byError = new LinkedHashMap<>();
      for (ReportData.Failure f : data.failures()) {
        byError.computeIfAbsent(f.status() + ": " + (f.errorFirstLine().isEmpty()
            ? "(no error text)" : f.errorFirstLine()), k -> new ArrayList<>()).add(f);
      }
      md.append("| status: first error line | trials | examples |\n| --- | ---: | --- |\n");
      byError.forEach((error, fs) -> md.append("| ").append(cell(error)).append(" | ")
          .append(fs.size()).append(" | ").append(cell(String.join("; ", fs.stream().limit(3)
              .map(f -> f.trialId().substring(0, Math.min(12, f.trialId().length())) + " "
                  + f.label() + " [" + String.join(",", f.panels()) + "]").toList())))
          .append(" |\n"));
      md.append("\nRerun the same command to run missing trials; `--retry-failed` reruns failed "
          + "ones. Full error texts: the `error` column of the `trials` table (notebook "
          + "`sweep-health`).\n");
    }
    md.append("\n## Tables\n\nParquet, next to this file");
    md.append(several ? " (columns `backbone` and `dataset` tell the pairs apart): " : ": ");
    List<String> tables = new ArrayList<>();
    Figure2Panels.DEFS.forEach(d -> tables.add("`" + d.table() + "`"));
    tables.add("`" + ReportJob.CLAIMS + "`");
    if (several) {
      tables.add("`" + ReportJob.UNIVERSALITY + "`");
    }
    md.append(String.join(", ", tables)).append(".\n");
    return md.toString();
  }

  /** The claims table and how each verdict was reached, under a {@code level} heading. */
  private static void claims(StringBuilder md, String level, List<Claim> claims,
      ClaimSettings settings) {
    md.append(level).append(" Claims\n\n").append(levels(settings)).append("\n\n");
    claimsTable(md, claims, settings);
    md.append("\nHow each verdict was reached:\n\n");
    for (Claim c : claims) {
      md.append("- `").append(c.id()).append("` (").append(cell(c.statistic())).append("): ")
          .append(cell(c.detail())).append('\n');
    }
  }

  /**
   * The margins and error rates the claims are judged at, in one sentence, e.g. "Margin ±1
   * point (also judged at ±2); error rate 0.05 per verdict, 0.01667 spent at this look (2 of 3)."
   */
  static String levels(ClaimSettings settings) {
    String wide = settings.margin() == ClaimSettings.WIDE_MARGIN ? ""
        : " (also judged at ±" + ClaimText.fmt(ClaimSettings.WIDE_MARGIN) + ")";
    return "Margin ±" + ClaimText.fmt(settings.margin()) + " point" + wide + "; error rate "
        + ClaimText.fmt(settings.plan().alpha()) + " per verdict, "
        + String.format(Locale.ROOT, "%.4g", settings.alpha()) + " spent at this look ("
        + settings.look() + " of " + settings.plan().looks() + ").";
  }

  /**
   * The claims table: one row per claim with the deciding statistic and its interval, the rule,
   * the seeds, the verdicts at the margin and at ±2, the seeds still needed, the point estimate
   * and the collapses. REPORT.md and the README's generated claims section ({@link
   * ClaimsMarkdown}) both show it.
   */
  static void claimsTable(StringBuilder md, List<Claim> claims, ClaimSettings settings) {
    md.append("| claim | deciding statistic (points) | interval | rule | seeds | verdict ±")
        .append(ClaimText.fmt(settings.margin())).append(" | verdict ±")
        .append(ClaimText.fmt(ClaimSettings.WIDE_MARGIN))
        .append(" | seeds needed | point estimate | collapses |\n");
    md.append("| --- | ---: | --- | --- | ---: | --- | --- | ---: | --- | --- |\n");
    for (Claim c : claims) {
      md.append("| **").append(c.id()).append("**: ").append(cell(c.claim())).append(" | ")
          .append(Double.isNaN(c.observed()) ? "-" : ClaimText.pts(c.observed())).append(" | ")
          .append(Double.isNaN(c.ciLow()) ? "-" : "[" + ClaimText.pts(c.ciLow()) + ", "
              + ClaimText.pts(c.ciHigh()) + "] (" + ClaimText.pctLevel(c.level()) + ")")
          .append(" | ").append(cell(c.threshold())).append(" | ").append(c.n()).append(" | **")
          .append(c.verdict()).append("** | ").append(c.verdictWide()).append(" | ")
          .append(seedsNeeded(c)).append(" | ").append(c.atPointEstimate()).append(" | ")
          .append(c.collapses().isEmpty() ? "-" : cell(c.collapses())).append(" |\n");
    }
  }

  /** The combined figure, then each panel's figure and table, under a {@code level} heading. */
  private static void figures(StringBuilder md, String level, CombinationReport c) {
    md.append(level).append(" Figure 2\n\n![Figure 2](").append(c.figurePath(Figures.COMBINED))
        .append(")\n\n");
    md.append("Error bars: 95% t-intervals over seeds (none with one seed). Dashed horizontal ")
        .append("lines: head-only, full fine-tuning and LoRA test accuracy. Runs that collapsed ")
        .append("to one class are left out of the means and counted (column `collapsed`).\n\n");
    for (Figure2Panels.Def def : Figure2Panels.DEFS) {
      List<PanelPoint> ps = c.points().getOrDefault(def.key(), List.of());
      md.append(level).append("# ").append(def.title()).append("\n\n");
      md.append("![").append(def.title()).append("](").append(c.figurePath(def.table()
          + ".png")).append(")\n\n");
      if (ps.isEmpty()) {
        md.append("No ok trials (Parquet table `").append(def.table()).append(c.figureDir()
            .isEmpty() ? "` is empty).\n\n" : "` has no rows for this pair).\n\n");
        continue;
      }
      md.append("| series | x | n | collapsed | test acc | 95% CI | val acc | 95% CI | "
          + "trainable params |\n");
      md.append("| --- | --- | ---: | ---: | ---: | --- | ---: | --- | ---: |\n");
      for (PanelPoint p : ps) {
        Summary t = p.test().scaled(100);
        Summary v = p.val().scaled(100);
        md.append("| ").append(p.series()).append(" | ").append(p.xLabel()).append(" | ")
            .append(p.n()).append(" | ").append(p.collapsedSeeds().size()).append(" | ")
            .append(num(t.mean())).append(" | ").append(ci(t))
            .append(" | ").append(num(v.mean())).append(" | ").append(ci(v)).append(" | ")
            .append(p.trainableParams() < 0 ? "-" : String.format(Locale.ROOT, "%,d",
                p.trainableParams())).append(" |\n");
      }
      md.append('\n');
    }
  }

  /**
   * The universality section: one row per claim, one column per (backbone, dataset) pair, the
   * verdict in each cell (with the point estimate when inconclusive), and in how many pairs the
   * claim was reproduced.
   */
  private static void universality(StringBuilder md, List<CombinationReport> combos,
      ClaimSettings settings, PremisesSection premises) {
    md.append("## Universality\n\n");
    md.append("Does each claim hold beyond one model and one data set? Verdict per (backbone, ")
        .append("dataset) pair at ±").append(ClaimText.fmt(settings.margin()))
        .append(" point; an inconclusive cell shows what the point estimates alone suggest; `-`: ")
        .append("not judged on that pair (e.g. no such series). Parquet table `")
        .append(ReportJob.UNIVERSALITY).append("`.\n\n");
    List<String> ids = new ArrayList<>();
    Map<String, String> text = new LinkedHashMap<>();
    for (CombinationReport c : combos) {
      for (Claim claim : c.claims()) {
        if (!ids.contains(claim.id())) {
          ids.add(claim.id());
          text.put(claim.id(), claim.claim());
        }
      }
    }
    md.append("| claim |");
    combos.forEach(c -> md.append(' ').append(cell(c.combination().label())).append(" |"));
    md.append(" reproduced in |\n| --- |");
    combos.forEach(c -> md.append(" --- |"));
    md.append(" ---: |\n| *modality* |");
    combos.forEach(c -> md.append(' ').append(c.combination().modality()).append(" |"));
    md.append(" |\n");
    for (String id : ids) {
      md.append("| **").append(id).append("** |");
      int reproduced = 0;
      int judged = 0;
      for (CombinationReport c : combos) {
        Claim claim = c.claim(id);
        if (claim == null) {
          md.append(" - |");
          continue;
        }
        judged++;
        if (claim.verdict().equals(Claim.REPRODUCED)) {
          reproduced++;
          md.append(" **reproduced** |");
        } else if (claim.verdict().equals(Claim.INCONCLUSIVE)) {
          md.append(" inconclusive (").append(claim.atPointEstimate()).append(") |");
        } else {
          md.append(' ').append(claim.verdict()).append(" |");
        }
      }
      md.append(' ').append(reproduced).append(" of ").append(judged).append(" |\n");
    }
    premises.universalityRows(md, combos);
    md.append("\nClaims:\n\n");
    text.forEach((id, t) -> md.append("- `").append(id).append("`: ").append(cell(t))
        .append('\n'));
    md.append("\nPairs (figures per pair in the subdirectory named):\n\n");
    for (CombinationReport c : combos) {
      md.append("- `").append(c.figureDir()).append("/`: backbone `")
          .append(c.combination().backbone()).append("`, data set `")
          .append(c.combination().dataset()).append("`, ").append(c.trials().size())
          .append(" ok trials\n");
    }
    md.append('\n');
  }

  /** The claim rules in words (docs/claims.md is the reference; the README links it). */
  static final String RULES = "Rules (ours; the papers state no statistical protocol; reference: "
      + "docs/claims.md):\n\n"
      + "- **Pairing.** Configurations are compared seed by seed: same seed (training "
      + "subsample, head initialisation, shuffling), same data seed, and the same test examples "
      + "in the same order (SHA-256 fingerprint of the ordered example ids). Trials scored on "
      + "different examples are refused, not paired.\n"
      + "- **Two sources of noise.** Every trial stores its per-example test predictions. A "
      + "paired difference is a seeds x examples matrix; its variance is split (method of "
      + "moments on the two-way crossed ANOVA) into a seed part and a test-example part, so the "
      + "intervals speak for new seeds and new test examples, with Satterthwaite's degrees of "
      + "freedom. Without predictions (older results) only the seeds' variance is used.\n"
      + "- **Equivalence (2b per orientation, 2c, 2d).** Two one-sided tests: every comparison's "
      + "(1 - 2 alpha) interval must lie inside ±margin (intersection-union: no correction). "
      + "`not reproduced` when some comparison's interval, Bonferroni-widened over the "
      + "comparisons, lies entirely outside. Margin ±1 point (the paper's), also shown at ±2.\n"
      + "- **SIFT.** An existential claim (\"a small top-x% is competitive\"): `reproduced` "
      + "when some rate <= 1% declared in the grid has a one-sided lower bound of SIFT - full "
      + "above -2 points, Bonferroni over those rates; `not reproduced` when every such rate's "
      + "upper bound is below -2.\n"
      + "- **2a rise.** No peak chosen from the data: every larger rank against the smallest, "
      + "one-sided, Bonferroni over the k - 1 ranks; `reproduced` when some rank's lower bound "
      + "is above 0, `not reproduced` when every rank's upper bound is below 0.\n"
      + "- **2a decline.** Every smaller rank against the largest by the sign test over seeds "
      + "(no normality needed), Bonferroni over the k - 1 ranks; the statistic shown is the "
      + "median with its order-statistic bounds.\n"
      + "- **Collapses.** A run predicting one class for >= 99% of the test set collapsed: it is "
      + "counted per configuration (column `collapses`) and left out of panel means and figures. "
      + "2a decline (fixed in advance): a seed where only the larger rank collapsed is a "
      + "decline, only the smaller one counts against it, both is dropped. Equivalence: a seed "
      + "where exactly one arm collapsed puts the comparison outside every margin (the claim "
      + "cannot be reproduced; not refuted, since equal collapse rates give such seeds by "
      + "chance), both collapsed is dropped and counted. Rise, SIFT and the protocol check take "
      + "a collapsed run with its measured accuracy.\n"
      + "- **Shown statistic.** Always the one whose interval decided, with its sign (for "
      + "equivalence the comparison whose interval reaches furthest out). No largest |difference| "
      + "picked after the fact is shown as evidence.\n"
      + "- **Looks.** With `--until-conclusive` the grid (SHA-256 of its sorted trial ids), the "
      + "number of looks and the maximum seeds are fixed in advance and each look spends "
      + "alpha / looks (Bonferroni), so a verdict at any look keeps its error rate; a verdict "
      + "once reached is kept at later looks (per margin). `seeds needed` is what an undecided "
      + "claim would need if the observed means and variances held, at the same corrected "
      + "levels and with Satterthwaite's degrees of freedom (with one seed, assuming a seed sd "
      + "of " + ClaimText.fmt(ClaimSettings.ASSUMED_SEED_SD) + " points); for an existential "
      + "claim (rise, decline, SIFT) the fastest comparison, since one suffices; `> "
      + ClaimSettings.SEEDS_CAP + "` means not within reach (for instance the test set's own "
      + "noise alone is too large, the point estimate is on the wrong side, or an observed "
      + "collapse in one arm rules `reproduced` out).\n"
      + "- **Point estimate.** What the means alone suggest; never a verdict.";

  /** The seeds-needed cell. */
  static String seedsNeeded(Claim c) {
    if (c.seedsNeeded() < 0) {
      return "-";
    }
    if (c.seedsNeeded() == 0) {
      return "decided";
    }
    return c.seedsNeeded() > ClaimSettings.SEEDS_CAP ? "> " + ClaimSettings.SEEDS_CAP
        : String.valueOf(c.seedsNeeded());
  }

  private static String protocol(List<TrialPoint> ok) {
    if (ok.isEmpty()) {
      return "No ok trials yet.\n";
    }
    StringBuilder s = new StringBuilder();
    for (String f : List.of("train_size", "val_size", "test_size", "max_len", "epochs",
        "batch_size", "seed", "data_seed", "warmup_fraction", "weight_decay")) {
      TreeSet<String> values = new TreeSet<>();
      ok.forEach(t -> values.add(t.field(f)));
      s.append("- `").append(f).append("`: ").append(String.join(", ", values)).append('\n');
    }
    Map<String, TreeSet<String>> lr = new TreeMap<>();
    ok.forEach(t -> lr.computeIfAbsent(t.field("method"), k -> new TreeSet<>())
        .add(t.field("lr").equals("0.0") || t.field("lr").equals("0")
            ? "method default" : t.field("lr")));
    s.append("- learning rate by method: ");
    List<String> parts = new ArrayList<>();
    lr.forEach((m, v) -> parts.add(m + " " + String.join("/", v)));
    s.append(String.join(", ", parts)).append('\n');
    return s.toString();
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
  }

  private static String ci(Summary s) {
    return s.hasInterval() ? "[" + num(s.ciLow()) + ", " + num(s.ciHigh()) + "]" : "-";
  }

  private static String cell(String s) {
    return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
  }
}
