package org.slicelab.spark.report;

import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.slicelab.spark.sweep.SweepTestSupport;

/** Helpers for the report tests. */
final class ReportTestSupport {
  /** The repository root (holds conf/grids). */
  static final Path ROOT = SweepTestSupport.ROOT;

  private ReportTestSupport() {
  }

  /** The project's logging config (Spark at warn). */
  static void quietLogs() {
    System.setProperty("log4j2.configurationFile",
        ROOT.resolve("conf/log4j2.properties").toString());
    org.apache.logging.log4j.core.config.Configurator.reconfigure(
        ROOT.resolve("conf/log4j2.properties").toUri());
  }

  /** A small local session (the caller stops it). */
  static SparkSession spark() {
    return SparkSession.builder().master("local[1]").appName("slicelab-report-test")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "1")
        .getOrCreate();
  }
}
