package org.slicelab.spark.report;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A report test class with one small local Spark session ({@link ReportTestSupport#spark()},
 * quiet logs) started before its tests and stopped after them.
 */
abstract class LocalSparkTest {
  static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    ReportTestSupport.quietLogs();
    spark = ReportTestSupport.spark();
  }

  @AfterAll
  static void stopSpark() {
    if (spark != null) {
      spark.stop();
    }
  }
}
