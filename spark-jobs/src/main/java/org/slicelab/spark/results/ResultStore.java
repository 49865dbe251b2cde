package org.slicelab.spark.results;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The append-only result tables of one output directory, written atomically by batch.
 *
 * <h2>Layout</h2>
 * <pre>
 * OUT/trials/batch=B/part-00000-B.snappy.parquet   one directory per committed batch
 * OUT/curves/batch=B/part-00000-B.snappy.parquet
 * OUT/panels/batch=B/part-00000-B.snappy.parquet
 * OUT/predictions/batch=B/part-00000-B.snappy.parquet
 * OUT/_staging/RUN/B/...                             work in progress (ignored by readers)
 * </pre>
 * Batch ids start with {@code b} and the UTC time, so they sort by commit time and Spark reads
 * them as a string partition column {@code batch}.
 *
 * <h2>Atomic commits</h2>
 * {@link #append} writes a batch's Parquet files under {@code _staging}, then renames the curves
 * and predictions directories and finally the trials directory into place. A directory rename is atomic on local
 * file systems and HDFS, so a reader (Spark skips {@code _}-prefixed paths) sees all of a batch or
 * none of it. The trials rename is the commit point: a crash between the two renames leaves
 * curves or predictions whose {@code attempt_id} has no trials row; they are ignored by joining
 * on {@code attempt_id} ({@link ResultTables#curves}, {@link ResultTables#predictions}), and a
 * rerun writes a new attempt id, so no prediction is ever counted twice. A killed driver loses at most the trials
 * not yet committed; stale staging directories are removed by {@link #cleanStaging}.
 *
 * <p>Files are written from the calling (driver) JVM with parquet-hadoop through Hadoop's
 * {@link FileSystem}, so {@code OUT} may be a local path or any Hadoop URI (hdfs://...). On object
 * stores without atomic rename (s3a://) a batch becomes visible file by file.
 */
public final class ResultStore {
  private static final DateTimeFormatter BATCH_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
  /** Name of the staging directory under the output directory. */
  public static final String STAGING = "_staging";
  /** Prefix of committed batch directories. */
  public static final String BATCH_PREFIX = "batch=";

  private final Path root;
  private final Configuration conf;
  private final FileSystem fs;
  private final String runId = UUID.randomUUID().toString().substring(0, 8);
  private final AtomicInteger batches = new AtomicInteger();

  private ResultStore(Path root, Configuration conf) throws IOException {
    this.conf = conf;
    this.fs = root.getFileSystem(conf);
    this.root = fs.makeQualified(root);
  }

  /**
   * Opens (does not create) the output directory {@code out}: a local path or a Hadoop URI.
   * Hadoop settings come from the classpath and from {@code spark.hadoop.*} system properties
   * (as set by spark-submit's {@code --conf}).
   *
   * @throws IllegalArgumentException when {@code out} is not a usable location
   */
  public static ResultStore open(String out) {
    if (out == null || out.isBlank()) {
      throw new IllegalArgumentException("option '--out' is empty: give a directory");
    }
    Configuration conf = new Configuration();
    System.getProperties().stringPropertyNames().stream()
        .filter(k -> k.startsWith("spark.hadoop."))
        .forEach(k -> conf.set(k.substring("spark.hadoop.".length()), System.getProperty(k)));
    boolean hasScheme = out.matches("[A-Za-z][A-Za-z0-9+.-]+:.*");
    try {
      Path root = hasScheme ? new Path(URI.create(out))
          : new Path("file", null, java.nio.file.Path.of(out).toAbsolutePath().normalize()
              .toString());
      if ("file".equalsIgnoreCase(root.toUri().getScheme())) {
        // Plain local files, without Hadoop's .crc side files. Only for a local directory: the
        // file system of another scheme is cached and shared, and its settings would make
        // FileSystem.getLocal(its conf) return this raw one (a ClassCastException in Hadoop's
        // own copyToLocalFile)
        conf.setClass("fs.file.impl", RawLocalFileSystem.class, FileSystem.class);
        conf.setBoolean("fs.file.impl.disable.cache", true);
      }
      // fails early on an unknown scheme or an unreachable file system
      ResultStore store = new ResultStore(root, conf);
      if (store.fs.exists(store.root) && !store.fs.getFileStatus(store.root).isDirectory()) {
        throw new IllegalArgumentException("option '--out' = " + out + " is a file, not a "
            + "directory");
      }
      return store;
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException iae && iae.getMessage() != null
          && iae.getMessage().startsWith("option '--out'")) {
        throw iae;
      }
      throw new IllegalArgumentException("option '--out' = " + out + " cannot be opened: " + e, e);
    }
  }

  /** The qualified output directory, e.g. {@code file:/tmp/out}. */
  public String location() {
    return root.toString();
  }

  /** The qualified output directory as a Hadoop path. */
  Path root() {
    return root;
  }

  /** The Hadoop settings the directory is opened with. */
  Configuration conf() {
    return conf;
  }

  /** The directory of one table. */
  public String tablePath(String table) {
    return new Path(root, table).toString();
  }

  /** Creates the table directories and checks that the location is writable. */
  public void prepare() {
    try {
      for (String table : List.of(ResultSchema.TRIALS, ResultSchema.CURVES, ResultSchema.PANELS,
          ResultSchema.PREDICTIONS, STAGING)) {
        fs.mkdirs(new Path(root, table));
      }
      Path probe = new Path(root, STAGING + "/probe-" + runId);
      fs.create(probe, false).close();
      fs.delete(probe, false);
    } catch (IOException e) {
      throw new IllegalArgumentException("option '--out' = " + root + " is not writable: " + e, e);
    }
  }

  /**
   * Statuses of every recorded attempt by trial id, in commit order (empty when nothing was
   * written yet).
   */
  public Map<String, List<String>> statusesByTrial() {
    Map<String, List<String>> statuses = new LinkedHashMap<>();
    for (String[] row : read(ResultSchema.TRIALS,
        List.of(ResultSchema.TRIAL_ID, ResultSchema.STATUS))) {
      statuses.computeIfAbsent(row[0], k -> new ArrayList<>()).add(row[1]);
    }
    return statuses;
  }

  /** The recorded (grid, panel, trial_id) triples of the {@code panels} table. */
  public Set<List<String>> panelEntries() {
    Set<List<String>> entries = new LinkedHashSet<>();
    for (String[] row : read(ResultSchema.PANELS,
        List.of(ResultSchema.GRID, ResultSchema.PANEL, ResultSchema.TRIAL_ID))) {
      entries.add(List.of(row[0], row[1], row[2]));
    }
    return entries;
  }

  /**
   * Commits one batch atomically: {@code curves} first, then {@code trials} (the commit point).
   * Sets {@code committed_at} on the trial rows.
   *
   * @return the batch id, or null when {@code trials} is empty
   */
  public String append(List<Map<String, Object>> trials, List<Map<String, Object>> curves) {
    return append(trials, curves, List.of());
  }

  /**
   * Commits one batch atomically: {@code curves} and {@code predictions} first, then
   * {@code trials} (the commit point). Sets {@code committed_at} on the trial rows.
   *
   * @return the batch id, or null when {@code trials} is empty
   */
  public String append(List<Map<String, Object>> trials, List<Map<String, Object>> curves,
      List<Map<String, Object>> predictions) {
    if (trials.isEmpty()) {
      return null;
    }
    Instant now = Instant.now();
    trials.forEach(row -> row.put(ResultSchema.COMMITTED_AT, now));
    String batch = newBatchId(now);
    Path stage = new Path(root, STAGING + "/" + runId + "/" + batch);
    try {
      if (!curves.isEmpty()) {
        stageTable(stage, batch, ResultSchema.CURVES, curves);
      }
      if (!predictions.isEmpty()) {
        stageTable(stage, batch, ResultSchema.PREDICTIONS, predictions);
      }
      stageTable(stage, batch, ResultSchema.TRIALS, trials);
      if (!curves.isEmpty()) {
        commitTable(stage, batch, ResultSchema.CURVES);
      }
      if (!predictions.isEmpty()) {
        commitTable(stage, batch, ResultSchema.PREDICTIONS);
      }
      commitTable(stage, batch, ResultSchema.TRIALS);
      fs.delete(stage, true);
      return batch;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot commit results batch " + batch + " to " + root, e);
    }
  }

  /** Commits rows of the {@code panels} table as one batch; returns its id (null if empty). */
  public String appendPanels(List<Map<String, Object>> rows) {
    if (rows.isEmpty()) {
      return null;
    }
    String batch = newBatchId(Instant.now());
    Path stage = new Path(root, STAGING + "/" + runId + "/" + batch);
    try {
      stageTable(stage, batch, ResultSchema.PANELS, rows);
      commitTable(stage, batch, ResultSchema.PANELS);
      fs.delete(stage, true);
      return batch;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot commit panels batch " + batch + " to " + root, e);
    }
  }

  /**
   * Removes staging directories of other runs last modified more than {@code olderThan} ago
   * (left by killed drivers), and this run's own.
   *
   * @return how many were removed
   */
  public int cleanStaging(Duration olderThan) {
    Path staging = new Path(root, STAGING);
    int removed = 0;
    try {
      if (!fs.exists(staging)) {
        return 0;
      }
      long cutoff = System.currentTimeMillis() - olderThan.toMillis();
      for (FileStatus status : fs.listStatus(staging)) {
        boolean mine = status.getPath().getName().equals(runId);
        if (status.isDirectory() && (mine || status.getModificationTime() < cutoff)) {
          fs.delete(status.getPath(), true);
          removed++;
        }
      }
    } catch (IOException e) {
      // best effort: leftovers are invisible to readers
    }
    return removed;
  }

  /** Removes this run's (empty) staging directory; call when the run ends. */
  public void finish() {
    try {
      fs.delete(new Path(root, STAGING + "/" + runId), true);
    } catch (IOException e) {
      // best effort
    }
  }

  /** The committed batch directories of a table, sorted by batch id. */
  public List<String> batches(String table) {
    List<String> out = new ArrayList<>();
    try {
      Path dir = new Path(root, table);
      if (!fs.exists(dir)) {
        return out;
      }
      for (FileStatus status : fs.listStatus(dir)) {
        if (status.isDirectory() && status.getPath().getName().startsWith(BATCH_PREFIX)) {
          out.add(status.getPath().getName().substring(BATCH_PREFIX.length()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root + "/" + table, e);
    }
    out.sort(null);
    return out;
  }

  private List<String[]> read(String table, List<String> columns) {
    List<String[]> rows = new ArrayList<>();
    try {
      for (String batch : batches(table)) {
        for (FileStatus file : fs.listStatus(new Path(root, table + "/" + BATCH_PREFIX + batch))) {
          String name = file.getPath().getName();
          if (file.isFile() && name.endsWith(".parquet") && !name.startsWith(".")
              && !name.startsWith("_")) {
            rows.addAll(ParquetRows.readStrings(conf, file.getPath(), table, columns));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + root + "/" + table, e);
    }
    return rows;
  }

  private void stageTable(Path stage, String batch, String table, List<Map<String, Object>> rows)
      throws IOException {
    Path file = new Path(stage, table + "/part-00000-" + batch + ".snappy.parquet");
    ParquetRows.write(conf, file, table, ResultSchema.columns(table), rows);
  }

  private void commitTable(Path stage, String batch, String table) throws IOException {
    Path target = new Path(root, table + "/" + BATCH_PREFIX + batch);
    fs.mkdirs(target.getParent());
    if (!fs.rename(new Path(stage, table), target)) {
      throw new IOException("rename of " + new Path(stage, table) + " to " + target + " failed");
    }
  }

  private String newBatchId(Instant now) {
    return String.format("b%s-%s-%05d", BATCH_TIME.format(now), runId, batches.incrementAndGet());
  }
}
