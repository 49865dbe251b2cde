package org.slicelab.spark.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** Writes {@code REPORT.md}: protocol, claims table, figures, panel tables and failures. */
final class ReportMarkdown {
  private ReportMarkdown() {
  }

  static String render(ReportData data, Map<String, List<PanelPoint>> points,
      List<Claim> claims, String results) {
    StringBuilder md = new StringBuilder();
    md.append("# SliceLab Figure 2 report: grid `").append(data.grid()).append("`\n\n");
    md.append("Generated ").append(Instant.now().toString().replaceFirst("\\.\\d+Z$", "Z"))
        .append(" by `slicelab report` from `").append(results).append("`. ")
        .append("Backbone all-MiniLM-L6-v2, task SpamAssassin (spam vs ham). Accuracies are ")
        .append("test accuracies in percent unless marked; mean over seeds with a 95% ")
        .append("Student-t interval (undefined, shown as `-`, with one seed).\n\n");

    md.append("## Protocol\n\n").append(protocol(data.ok())).append('\n');

    md.append("## Claims\n\n");
    md.append("| claim | observed (points) | 95% CI | rule | n | verdict | point estimate |\n");
    md.append("| --- | ---: | --- | --- | ---: | --- | --- |\n");
    for (Claim c : claims) {
      md.append("| **").append(c.id()).append("**: ").append(cell(c.claim())).append(" | ")
          .append(Double.isNaN(c.observed()) ? "-" : ClaimRules.pts(c.observed())).append(" | ")
          .append(Double.isNaN(c.ciLow()) ? "-" : "[" + ClaimRules.pts(c.ciLow()) + ", "
              + ClaimRules.pts(c.ciHigh()) + "]").append(" | ").append(cell(c.threshold()))
          .append(" | ").append(c.n()).append(" | **").append(c.verdict()).append("** | ")
          .append(c.atPointEstimate()).append(" |\n");
    }
    md.append("\nHow each verdict was reached:\n\n");
    for (Claim c : claims) {
      md.append("- `").append(c.id()).append("` (").append(cell(c.statistic())).append("): ")
          .append(cell(c.detail())).append('\n');
    }
    md.append("\nRules (ours; the papers state no statistical protocol): comparisons are paired ")
        .append("by seed (same training subsample and head initialisation; validation and test ")
        .append("sets are shared), differences in percentage points with 95% t-intervals. ")
        .append("Equivalence claims are `reproduced` when every interval lies inside ±margin, ")
        .append("`not reproduced` when an interval (Bonferroni-widened over the comparisons) ")
        .append("lies entirely outside, else `inconclusive`. Directional claims need the ")
        .append("interval on the claimed side. With one seed there is no interval: the verdict ")
        .append("is `inconclusive` and `point estimate` says what the means alone suggest. The ")
        .append("rank claims pick the peak rank on validation accuracy and measure on test ")
        .append("accuracy, so the selection does not inflate them. Margins: ±")
        .append(ClaimRules.fmt(ClaimRules.EQUIVALENCE_POINTS)).append(" point for positions, ")
        .append("Wanda categories and lottery tickets; SIFT (rates <= ")
        .append(ClaimRules.fmt(ClaimRules.SIFT_SMALL_RATE * 100)).append("%) non-inferior to ")
        .append("full fine-tuning within ").append(ClaimRules.fmt(ClaimRules.SIFT_MARGIN_POINTS))
        .append(" points; protocol check full - head >= ")
        .append(ClaimRules.fmt(ClaimRules.HEAD_FULL_GAP_POINTS)).append(" points.\n\n");

    md.append("## Figure 2\n\n![Figure 2](").append(Figures.COMBINED).append(")\n\n");
    md.append("Error bars: 95% t-intervals over seeds (none with one seed). Dashed horizontal ")
        .append("lines: head-only, full fine-tuning and LoRA test accuracy.\n\n");
    for (Figure2Panels.Def def : Figure2Panels.DEFS) {
      List<PanelPoint> ps = points.getOrDefault(def.key(), List.of());
      md.append("### ").append(def.title()).append("\n\n");
      md.append("![").append(def.title()).append("](").append(def.table()).append(".png)\n\n");
      if (ps.isEmpty()) {
        md.append("No ok trials (Parquet table `").append(def.table()).append("` is empty).\n\n");
        continue;
      }
      md.append("| series | x | n | test acc | 95% CI | val acc | 95% CI | trainable params |\n");
      md.append("| --- | --- | ---: | ---: | --- | ---: | --- | ---: |\n");
      for (PanelPoint p : ps) {
        Summary t = p.test().scaled(100);
        Summary v = p.val().scaled(100);
        md.append("| ").append(p.series()).append(" | ").append(p.xLabel()).append(" | ")
            .append(p.n()).append(" | ").append(num(t.mean())).append(" | ").append(ci(t))
            .append(" | ").append(num(v.mean())).append(" | ").append(ci(v)).append(" | ")
            .append(p.trainableParams() < 0 ? "-" : String.format(Locale.ROOT, "%,d",
                p.trainableParams())).append(" |\n");
      }
      md.append('\n');
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
    md.append("\n## Tables\n\nParquet, next to this file: ");
    List<String> tables = new ArrayList<>();
    Figure2Panels.DEFS.forEach(d -> tables.add("`" + d.table() + "`"));
    tables.add("`" + ReportJob.CLAIMS + "`");
    md.append(String.join(", ", tables)).append(".\n");
    return md.toString();
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
