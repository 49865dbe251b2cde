package org.slicelab.spark.report;

import java.net.URI;
import java.nio.file.Path;

/**
 * Settings of one {@code slicelab report} run.
 *
 * @param results a sweep's output directory (local path or Hadoop URI)
 * @param gridName the grid to report on; null = the only grid recorded in {@code results}
 * @param reportDir where tables, figures and REPORT.md go; null = {@code RESULTS/report}. Must be
 *     local (figures and Markdown are written with java.nio)
 * @param premises a {@code slicelab premises} output directory; null = {@code RESULTS/premises}
 *     when it exists ({@link PremisesSection})
 */
public record ReportOptions(String results, String gridName, Path reportDir, Path premises) {
  /** Name of the report directory under the results directory. */
  public static final String REPORT_DIR = "report";

  /** Validates. */
  public ReportOptions {
    if (results == null || results.isBlank()) {
      throw new IllegalArgumentException("option '--results' is required: a sweep's --out "
          + "directory");
    }
  }

  /** Options without a premises directory (the default one is used when it exists). */
  public ReportOptions(String results, String gridName, Path reportDir) {
    this(results, gridName, reportDir, null);
  }

  /** The local report directory (absolute). */
  public Path resolvedReportDir() {
    if (reportDir != null) {
      return reportDir.toAbsolutePath().normalize();
    }
    if (results.matches("[A-Za-z][A-Za-z0-9+.-]+:.*")) {
      URI uri = URI.create(results);
      if (!"file".equalsIgnoreCase(uri.getScheme())) {
        throw new IllegalArgumentException("option '--results' = " + results + " is not a local "
            + "directory; give a local --report-dir for the figures and REPORT.md");
      }
      return Path.of(uri).resolve(REPORT_DIR).toAbsolutePath().normalize();
    }
    return Path.of(results).resolve(REPORT_DIR).toAbsolutePath().normalize();
  }
}
