package org.slicelab.spark.results;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import org.slicelab.ablations.trial.TrialSpec;

/**
 * The columns of the three result tables under a sweep's output directory. Every column is
 * nullable. Readers should use {@code mergeSchema} ({@link ResultTables} does), since a newer
 * SliceLab may add spec or metric columns to later batches.
 *
 * <ul>
 *   <li>{@value #TRIALS}: one row per trial attempt (see {@link #trialColumns()}).
 *   <li>{@value #CURVES}: long format, one row per (attempt, step, split, metric).
 *   <li>{@value #PANELS}: which trials make up each panel of each grid, one row per
 *       (grid, panel, trial_id); select a panel's results by joining it with {@value #TRIALS}
 *       on {@code trial_id}.
 *   <li>{@value #PREDICTIONS}: one row per (attempt, split, example): the example's index in
 *       the split and corpus id, its label, the predicted class and the margin; committed with
 *       the attempt's trials row and read joined to it on {@code attempt_id}.
 * </ul>
 */
public final class ResultSchema {
  /** Table of trial attempts. */
  public static final String TRIALS = "trials";
  /** Table of per-step curves. */
  public static final String CURVES = "curves";
  /** Table mapping (grid, panel) to trial ids. */
  public static final String PANELS = "panels";
  /** Table of per-example predictions (validation and test) of every ok attempt. */
  public static final String PREDICTIONS = "predictions";

  // ---- identity ---------------------------------------------------------------------------
  /** Unique id of one attempt (UUID); joins {@value #CURVES} to {@value #TRIALS}. */
  public static final String ATTEMPT_ID = "attempt_id";
  /** SHA-256 of the canonical spec JSON. */
  public static final String TRIAL_ID = "trial_id";
  /** Id of the sweep invocation that ran the attempt. */
  public static final String SWEEP_ID = "sweep_id";
  /** Grid {@code name}. */
  public static final String GRID = "grid";
  /** Grid file as given on the command line. */
  public static final String GRID_FILE = "grid_file";
  /** Panels of the grid containing the trial (array of strings). */
  public static final String PANELS_COLUMN = "panels";
  /** Panel name (in {@value #PANELS}). */
  public static final String PANEL = "panel";
  /** ok, failed, diverged or timeout. */
  public static final String STATUS = "status";
  /** Error text (exception, cause chain, short trace), null when ok. */
  public static final String ERROR = "error";
  // ---- outcome ----------------------------------------------------------------------------
  /** Every metric of the attempt as JSON (also those without a column of their own). */
  public static final String METRICS_JSON = "metrics_json";
  /** When the executor started the attempt. */
  public static final String STARTED_AT = "started_at";
  /** When the executor finished the attempt. */
  public static final String FINISHED_AT = "finished_at";
  /** Executor-side wall time of the attempt, seconds (includes waiting for shared resources). */
  public static final String ATTEMPT_SECONDS = "attempt_seconds";
  /** When the driver committed the row. */
  public static final String COMMITTED_AT = "committed_at";
  // ---- placement --------------------------------------------------------------------------
  /** DJL device the trial ran on, e.g. {@code cpu()} or {@code gpu(1)}. */
  public static final String DEVICE = "device";
  /** GPU address(es) Spark assigned to the task, null when none. */
  public static final String GPU_ADDRESS = "gpu_address";
  /** True when a GPU was assigned but the trial ran on CPU ({@code --allow-cpu-fallback}). */
  public static final String CPU_FALLBACK = "cpu_fallback";
  /** Spark executor id ({@code driver} in local mode). */
  public static final String EXECUTOR_ID = "executor_id";
  /** Host name of the executor. */
  public static final String HOST = "host";
  /** Torch intra-op threads used by the trial. */
  public static final String TORCH_THREADS = "torch_threads";
  /** Spark task attempt number (0 = first). */
  public static final String SPARK_ATTEMPT = "spark_attempt";
  /** Spark application id. */
  public static final String SPARK_APP_ID = "spark_app_id";
  /** Spark master URL. */
  public static final String SPARK_MASTER = "spark_master";
  // ---- provenance -------------------------------------------------------------------------
  /** Canonical spec JSON (its SHA-256 is the trial id). */
  public static final String SPEC_JSON = "spec_json";
  /** {@code git rev-parse HEAD} of the driver's checkout, or "unknown". */
  public static final String GIT_COMMIT = "git_commit";
  /** True when the checkout had uncommitted changes; null when unknown. */
  public static final String GIT_DIRTY = "git_dirty";
  /** Versions and environment recorded by the executor (the GPU ones are "" on the CPU). */
  public static final List<String> PROVENANCE = List.of("slicelab_version", "djl_version",
      "pytorch_version", "spark_version", "java_version", "os_arch", "data_sha256",
      "weights_sha256", "train_ids_sha256", "val_ids_sha256", "test_ids_sha256", "gpu_model",
      "gpu_driver_version", "cuda_version");
  // ---- curves -----------------------------------------------------------------------------
  /** Curve columns. */
  public static final String STEP = "step";
  /** 0-based epoch. */
  public static final String EPOCH = "epoch";
  /** train, validation or test. */
  public static final String SPLIT = "split";
  /** Metric name, e.g. loss or accuracy. */
  public static final String METRIC = "metric";
  /** Metric value. */
  public static final String VALUE = "value";
  // ---- predictions ------------------------------------------------------------------------
  /** 0-based position of the example in its evaluation split. */
  public static final String EXAMPLE_INDEX = "example_index";
  /** Corpus id of the example. */
  public static final String EXAMPLE_ID = "example_id";
  /** True class. */
  public static final String LABEL = "label";
  /** Predicted class. */
  public static final String PREDICTED = "predicted";
  /** Predicted-class logit minus the best other logit. */
  public static final String MARGIN = "margin";
  /** When a panels row was recorded. */
  public static final String RECORDED_AT = "recorded_at";

  /**
   * Metrics stored as integer columns; {@code *_examples} are the examples a trial drew from
   * each split (a default size is capped at its split, see {@code DataSizes}).
   */
  public static final List<String> LONG_METRICS = List.of("trainable_params", "total_params",
      "optimizer_state_bytes", "steps", "saved_bytes", "train_examples", "val_examples",
      "test_examples");
  /** Metrics stored as double columns. */
  public static final List<String> DOUBLE_METRICS = List.of("val_acc", "val_f1", "val_loss",
      "test_acc", "test_f1", "test_loss", "train_loss", "train_seconds", "eval_seconds",
      "setup_seconds", "median_step_ms", "examples_per_second", "trial_seconds");

  /** Column value types. */
  public enum ColumnType {
    /** UTF-8 string. */
    STRING,
    /** 64-bit integer. */
    LONG,
    /** 64-bit float. */
    DOUBLE,
    /** Boolean. */
    BOOLEAN,
    /** Timestamp (microseconds, UTC); write {@link java.time.Instant}. */
    TIMESTAMP,
    /** Array of strings; write a {@link List}. */
    STRING_LIST
  }

  /**
   * One column.
   *
   * @param name column name
   * @param type value type
   */
  public record Column(String name, ColumnType type) {
  }

  private ResultSchema() {
  }

  /**
   * Columns of {@value #TRIALS}: identity, status and error, every {@link TrialSpec} field under
   * its own snake_case name, every metric, timings, placement and provenance.
   */
  public static List<Column> trialColumns() {
    List<Column> c = new ArrayList<>();
    add(c, ColumnType.STRING, ATTEMPT_ID, TRIAL_ID, SWEEP_ID, GRID, GRID_FILE);
    c.add(new Column(PANELS_COLUMN, ColumnType.STRING_LIST));
    add(c, ColumnType.STRING, STATUS, ERROR);
    c.addAll(specColumns());
    LONG_METRICS.forEach(m -> c.add(new Column(m, ColumnType.LONG)));
    DOUBLE_METRICS.forEach(m -> c.add(new Column(m, ColumnType.DOUBLE)));
    add(c, ColumnType.STRING, METRICS_JSON);
    add(c, ColumnType.TIMESTAMP, STARTED_AT, FINISHED_AT);
    add(c, ColumnType.DOUBLE, ATTEMPT_SECONDS);
    add(c, ColumnType.STRING, DEVICE, GPU_ADDRESS);
    add(c, ColumnType.BOOLEAN, CPU_FALLBACK);
    add(c, ColumnType.STRING, EXECUTOR_ID, HOST);
    add(c, ColumnType.LONG, TORCH_THREADS, SPARK_ATTEMPT);
    add(c, ColumnType.STRING, SPARK_APP_ID, SPARK_MASTER, SPEC_JSON, GIT_COMMIT);
    add(c, ColumnType.BOOLEAN, GIT_DIRTY);
    PROVENANCE.forEach(p -> c.add(new Column(p, ColumnType.STRING)));
    add(c, ColumnType.TIMESTAMP, COMMITTED_AT);
    checkUnique(c);
    return c;
  }

  /** Columns of {@value #CURVES}. */
  public static List<Column> curveColumns() {
    List<Column> c = new ArrayList<>();
    add(c, ColumnType.STRING, ATTEMPT_ID, TRIAL_ID);
    add(c, ColumnType.LONG, STEP, EPOCH);
    add(c, ColumnType.STRING, SPLIT, METRIC);
    add(c, ColumnType.DOUBLE, VALUE);
    return c;
  }

  /** Columns of {@value #PREDICTIONS}. */
  public static List<Column> predictionColumns() {
    List<Column> c = new ArrayList<>();
    add(c, ColumnType.STRING, ATTEMPT_ID, TRIAL_ID, SPLIT);
    add(c, ColumnType.LONG, EXAMPLE_INDEX);
    add(c, ColumnType.STRING, EXAMPLE_ID);
    add(c, ColumnType.LONG, LABEL, PREDICTED);
    add(c, ColumnType.DOUBLE, MARGIN);
    return c;
  }

  /** Columns of {@value #PANELS}. */
  public static List<Column> panelColumns() {
    List<Column> c = new ArrayList<>();
    add(c, ColumnType.STRING, GRID, PANEL, TRIAL_ID, GRID_FILE, SWEEP_ID);
    add(c, ColumnType.TIMESTAMP, RECORDED_AT);
    return c;
  }

  /** The columns of a table by name. */
  public static List<Column> columns(String table) {
    return switch (table) {
      case TRIALS -> trialColumns();
      case CURVES -> curveColumns();
      case PANELS -> panelColumns();
      case PREDICTIONS -> predictionColumns();
      default -> throw new IllegalArgumentException("unknown result table " + table);
    };
  }

  /** One column per spec field, typed from the spec's defaults (all integers as LONG). */
  static List<Column> specColumns() {
    List<Column> c = new ArrayList<>();
    for (Map.Entry<String, Object> e : TrialSpec.builder().build().toMap().entrySet()) {
      Object v = e.getValue();
      ColumnType type = v instanceof Boolean ? ColumnType.BOOLEAN
          : v instanceof Integer || v instanceof Long ? ColumnType.LONG
          : v instanceof Number ? ColumnType.DOUBLE : ColumnType.STRING;
      c.add(new Column(e.getKey(), type));
    }
    return c;
  }

  /** The Parquet schema of a table (all fields optional; lists in the standard 3-level form). */
  public static MessageType parquet(String table, List<Column> columns) {
    List<Type> fields = new ArrayList<>();
    for (Column column : columns) {
      fields.add(switch (column.type()) {
        case STRING -> Types.optional(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType()).named(column.name());
        case LONG -> Types.optional(PrimitiveTypeName.INT64).named(column.name());
        case DOUBLE -> Types.optional(PrimitiveTypeName.DOUBLE).named(column.name());
        case BOOLEAN -> Types.optional(PrimitiveTypeName.BOOLEAN).named(column.name());
        case TIMESTAMP -> Types.optional(PrimitiveTypeName.INT64)
            .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS))
            .named(column.name());
        case STRING_LIST -> Types.optionalList().optionalElement(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType()).named(column.name());
      });
    }
    return new MessageType(table, fields);
  }

  private static void add(List<Column> columns, ColumnType type, String... names) {
    for (String name : names) {
      columns.add(new Column(name, type));
    }
  }

  private static void checkUnique(List<Column> columns) {
    Set<String> seen = new HashSet<>();
    for (Column column : columns) {
      if (!seen.add(column.name())) {
        throw new IllegalStateException("result column '" + column.name() + "' is defined twice "
            + "(a trial option now has the name of a result column: rename one of them)");
      }
    }
  }
}
