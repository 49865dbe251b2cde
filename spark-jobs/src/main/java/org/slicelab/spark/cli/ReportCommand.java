package org.slicelab.spark.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slicelab.spark.report.ClaimsMarkdown;
import org.slicelab.spark.report.ClaimsSection;
import org.slicelab.spark.report.ReportJob;
import org.slicelab.spark.report.ReportOptions;
import org.slicelab.spark.report.ReportSummary;
import org.slicelab.spark.results.RunLock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code slicelab report}: Figure 2 tables, claim verdicts, PNG figures and {@code REPORT.md}
 * from a sweep's Parquet results.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Read a sweep's Parquet tables (trials, panels) with Spark SQL and write, under "
        + "RESULTS/report: Parquet tables figure2_rank, figure2_position, figure2_wanda, "
        + "figure2_lth, figure2_sift, figure2_reference and claims; one PNG per panel plus "
        + "figure2.png; REPORT.md.",
        "Statistics use each trial's latest ok attempt only. Prints one JSON line: {grid, "
            + "trials, ok, failed, diverged, timeout, missing, claims, report_md, figures, "
            + "tables, ...}.",
        "With --claims-markdown: prints the paper claims' table as Markdown instead (the "
            + "README's generated claims section), then one JSON line {output, grid, look, "
            + "looks, verdicts, verdicts_at_2_points, readme, readme_changed}; writes no report. "
            + "Refresh the README after a look: report --results evidence/figure2 "
            + "--claims-markdown --update-readme README.md"})
public final class ReportCommand implements Callable<Integer> {

  @Option(names = "--results", required = true, paramLabel = "DIR",
      description = "a sweep's output directory (its --out)")
  private String results;

  @Option(names = "--grid-name", paramLabel = "NAME",
      description = "grid to report on (default: the only grid recorded in DIR)")
  private String gridName;

  @Option(names = "--report-dir", paramLabel = "DIR",
      description = "where to write the report (default: RESULTS/report; must be local)")
  private Path reportDir;

  @Option(names = "--premises", paramLabel = "DIR",
      description = "a slicelab premises output directory for the premises section and rows "
          + "(default: RESULTS/premises when it exists)")
  private Path premises;

  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master (default: spark.master from spark-submit, else local[*])")
  private String master;

  @Option(names = "--margin", paramLabel = "POINTS", defaultValue = "1",
      description = "equivalence margin of Figure 2 (b)-(d) in accuracy points (default: "
          + "${DEFAULT-VALUE}; a sequential run's recorded design takes precedence)")
  private double margin;

  @Option(names = "--claims-markdown",
      description = "print only the paper claims' table as Markdown (no date or path in it: the "
          + "same results give the same text), judged as the report judges (a sequential run: "
          + "its stored design, last completed look and frozen verdicts; before its first look "
          + "completes, the line '" + ClaimsMarkdown.NO_COMPLETED_LOOK + "'); writes nothing")
  private boolean claimsMarkdown;

  @Option(names = "--update-readme", paramLabel = "FILE",
      description = "with --claims-markdown: also put the table between FILE's lines '"
          + ClaimsSection.BEGIN + " ... -->' and '" + ClaimsSection.END + "' (FILE is rewritten "
          + "only when the text changed; the rest of FILE is kept)")
  private Path updateReadme;

  @Override
  public Integer call() {
    ReportOptions options = new ReportOptions(results, gridName, reportDir, premises);
    if (claimsMarkdown) {
      return claimsMarkdown(options);
    }
    if (updateReadme != null) {
      throw new IllegalArgumentException("option '--update-readme' needs --claims-markdown (it "
          + "writes the claims table, not the report, into " + updateReadme + ")");
    }
    options.resolvedReportDir();
    noteRunningOwner(results);
    ReportSummary summary;
    try (ReportJob.Session session = ReportJob.session(master)) {
      summary = ReportJob.run(session.spark(), options, margin, System.err);
    }
    System.out.println(JsonLine.of(summary.toMap()));
    return 0;
  }

  /** {@code --claims-markdown}: the table on stdout, and in the README when asked. */
  private int claimsMarkdown(ReportOptions options) {
    if (reportDir != null) {
      throw new IllegalArgumentException("option '--report-dir' has no use with "
          + "--claims-markdown, which writes no report");
    }
    if (updateReadme != null) {
      ClaimsSection.readFile(updateReadme, "--update-readme");
    }
    noteRunningOwner(results);
    ClaimsMarkdown table;
    try (ReportJob.Session session = ReportJob.session(master)) {
      table = ClaimsMarkdown.compute(session.spark(), options, margin);
    }
    Map<String, Object> line = table.toMap();
    if (updateReadme != null) {
      line.put("readme", updateReadme.toString());
      line.put("readme_changed", ClaimsSection.update(updateReadme, table.text(),
          "--update-readme"));
    }
    System.out.println(table.text());
    System.out.println(JsonLine.of(line));
    return 0;
  }

  /**
   * The report reads without taking the directory (it reads committed batches only, each
   * whole); while a run writes there, says so.
   */
  private static void noteRunningOwner(String results) {
    String owner;
    try {
      owner = RunLock.liveOwner(results);
    } catch (RuntimeException e) {
      return; // the report itself names an unusable directory
    }
    if (owner != null) {
      System.err.println("[report] " + results + " is being written by " + owner + "; this "
          + "report covers the trials committed so far");
    }
  }
}
