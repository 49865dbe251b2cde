package org.slicelab.spark.results;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * Reads a sweep's result tables with Spark, the way the report and notebooks should: with
 * {@code mergeSchema} (later batches may carry new columns) and with the batch partition column
 * {@code batch}. Only committed batches are visible (staging lives under {@code _staging}).
 */
public final class ResultTables {
  private ResultTables() {
  }

  /** Every attempt ({@code trials} table). */
  public static Dataset<Row> trials(SparkSession spark, String out) {
    return read(spark, out, ResultSchema.TRIALS);
  }

  /**
   * Curves of committed attempts only (joined to {@code trials} on {@code attempt_id}, so curves
   * of a batch interrupted between its two renames never show up).
   */
  public static Dataset<Row> curves(SparkSession spark, String out) {
    Dataset<Row> attempts = trials(spark, out).select(ResultSchema.ATTEMPT_ID);
    return read(spark, out, ResultSchema.CURVES).join(attempts, ResultSchema.ATTEMPT_ID);
  }

  /**
   * Per-example predictions of committed attempts only (joined to {@code trials} on
   * {@code attempt_id}, like {@link #curves}). Empty (no columns) when no batch holds any.
   */
  public static Dataset<Row> predictions(SparkSession spark, String out) {
    Dataset<Row> attempts = trials(spark, out).select(ResultSchema.ATTEMPT_ID);
    return read(spark, out, ResultSchema.PREDICTIONS).join(attempts, ResultSchema.ATTEMPT_ID);
  }

  /** The (grid, panel, trial_id) membership table. */
  public static Dataset<Row> panels(SparkSession spark, String out) {
    return read(spark, out, ResultSchema.PANELS).dropDuplicates(ResultSchema.GRID,
        ResultSchema.PANEL, ResultSchema.TRIAL_ID);
  }

  /**
   * The latest attempt of every trial (a retried trial has several rows; an {@code ok} attempt
   * wins over later non-ok ones).
   */
  public static Dataset<Row> latest(Dataset<Row> trials) {
    return trials
        .withColumn("_rank", row_number().over(Window.partitionBy(ResultSchema.TRIAL_ID)
            .orderBy(col(ResultSchema.STATUS).equalTo("ok").desc(),
                col(ResultSchema.FINISHED_AT).desc())))
        .filter(col("_rank").equalTo(1)).drop("_rank");
  }

  /** The latest attempt of each trial of one panel of one grid. */
  public static Dataset<Row> panelTrials(SparkSession spark, String out, String grid,
      String panel) {
    Dataset<Row> members = panels(spark, out)
        .filter(col(ResultSchema.GRID).equalTo(grid).and(col(ResultSchema.PANEL).equalTo(panel)))
        .select(ResultSchema.TRIAL_ID);
    return latest(trials(spark, out)).join(members, ResultSchema.TRIAL_ID);
  }

  private static Dataset<Row> read(SparkSession spark, String out, String table) {
    String path = ResultStore.open(out).tablePath(table);
    return spark.read().option("mergeSchema", "true").parquet(path);
  }
}
