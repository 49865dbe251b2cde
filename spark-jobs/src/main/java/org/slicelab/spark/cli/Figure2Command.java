package org.slicelab.spark.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slicelab.spark.grid.Grid;
import org.slicelab.spark.grid.GridLoader;
import org.slicelab.spark.report.ReportJob;
import org.slicelab.spark.report.ReportOptions;
import org.slicelab.spark.report.ReportSummary;
import org.slicelab.spark.results.RunLock;
import org.slicelab.spark.sweep.SweepJob;
import org.slicelab.spark.sweep.SweepOptions;
import org.slicelab.spark.sweep.SweepSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code slicelab figure2}: the main job. Runs the Figure 2 grid as a sweep (resuming: trials
 * already recorded are skipped) and then the report on its results.
 */
@Command(name = "figure2", mixinStandardHelpOptions = true,
    description = {"Reproduce SliceFine's Figure 2 (+ SIFT): sweep the grid into --out, then "
        + "write the report (tables, claims, figures, REPORT.md) under OUT/report.",
        "Resumable: a rerun skips trials already recorded and only rewrites the report. One run "
            + "at a time owns --out (its lock file _owner.json): a second one is refused. Prints "
            + "one JSON line: {command, grid, out, sweep: {...}, report: {...}, seconds}."},
    exitCodeListHeading = "Exit status:%n", exitCodeList = {
        "0:every trial of the grid is ok and the report is written",
        SliceLab.HELP_EXIT_ERROR, SliceLab.HELP_EXIT_BAD_INPUT,
        "3:the report is written, but some trials are not ok (see the JSON line)"})
public final class Figure2Command implements Callable<Integer> {
  /** The default grid: one machine, one seed, about 15 minutes on 2 cores. */
  public static final String DEFAULT_GRID = "conf/grids/figure2-quick.conf";

  @Option(names = "--grid", paramLabel = "FILE", defaultValue = DEFAULT_GRID,
      description = "grid file (default: ${DEFAULT-VALUE}; conf/grids/figure2.conf is the full "
          + "3-seed protocol)")
  private Path grid;

  @Option(names = "--out", paramLabel = "DIR",
      description = "results directory (default: results/<grid file name without .conf>)")
  private String out;

  @Mixin
  private SweepRunOptions run = new SweepRunOptions();

  @Mixin
  private ConclusiveOptions conclusive = new ConclusiveOptions();

  @Override
  public Integer call() {
    long start = System.nanoTime();
    Path gridFile = resolveGrid(grid);
    String outDir = out != null && !out.isBlank() ? out : defaultOut(gridFile);
    SweepOptions sweepOptions = run.toSweepOptions(gridFile, outDir, false);
    conclusive.validate();
    if (conclusive.enabled && conclusive.plan) {
      System.out.println(JsonLine.of(conclusive.plan("figure2", sweepOptions, System.err)));
      return SliceLab.EXIT_OK;
    }
    Grid loaded = GridLoader.load(gridFile); // a bad grid is refused before anything is written
    try (RunLock lock = run.lock(outDir)) {
      return sweepAndReport(gridFile, loaded, outDir, sweepOptions, start);
    }
  }

  /** The run itself, while this command owns {@code outDir}. */
  private int sweepAndReport(Path gridFile, Grid loaded, String outDir,
      SweepOptions sweepOptions, long start) {
    if (conclusive.enabled) {
      Map<String, Object> line = conclusive.run("figure2", loaded, sweepOptions, System.err);
      System.out.println(JsonLine.of(line));
      return SweepCommand.exitCode(Boolean.TRUE.equals(line.get("all_ok")));
    }
    // The sweep runs its own Spark context (and stops it); the report then opens a session.
    SweepSummary sweep = SweepJob.run(loaded, sweepOptions, null, System.err);
    ReportSummary report;
    try (ReportJob.Session session = ReportJob.session(run.master)) {
      report = ReportJob.run(session.spark(), new ReportOptions(outDir, sweep.grid(), null),
          conclusive.margin, System.err);
    }
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("command", "figure2");
    line.put("grid", sweep.grid());
    line.put("grid_file", gridFile.toString());
    line.put("out", sweep.out());
    line.put("sweep", sweep.toMap());
    Map<String, Object> reportMap = report.toMap();
    reportMap.remove("command");
    line.put("report", reportMap);
    line.put("seconds", Math.round((System.nanoTime() - start) / 1e6) / 1000.0);
    System.out.println(JsonLine.of(line));
    return SweepCommand.exitCode(sweep.allOk());
  }

  /**
   * A relative grid path that does not exist in the working directory is looked up under the
   * SliceLab home ({@code -Dslicelab.home}, set by {@code bin/slicelab}).
   */
  static Path resolveGrid(Path grid) {
    if (grid.isAbsolute() || Files.exists(grid)) {
      return grid;
    }
    String home = System.getProperty("slicelab.home");
    if (home != null && !home.isBlank() && Files.exists(Path.of(home).resolve(grid))) {
      return Path.of(home).resolve(grid);
    }
    return grid;
  }

  /** {@code results/<grid file name without extension>}. */
  static String defaultOut(Path grid) {
    String name = grid.getFileName().toString().replaceFirst("\\.conf$", "");
    return Path.of("results", name).toString();
  }
}
