package org.slicelab.spark.premises;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.slicelab.ablations.bench.ParquetTable;

/**
 * The layout of a premises output directory, written from the driver:
 * {@code DIR/<table>/pair=<backbone>__<dataset>/part-00000.parquet} per table (Spark reads
 * {@code DIR/<table>} with a {@code pair} partition column), {@code DIR/<pair>/PREMISES.md} per
 * pair, and {@code DIR/PREMISES.md}, every pair's file in name order.
 *
 * <p>A pair's partitions are written under {@code DIR/_staging} and renamed into place, one
 * rename per table; a rerun of the pair replaces its partitions, other pairs' stay. A reader
 * sees each table partition whole or not at all.
 */
public final class PremisesOutput {
  /** The top-level Markdown file. */
  public static final String PREMISES_MD = "PREMISES.md";
  private static final String STAGING = "_staging";
  private static final String PARTITION = "pair=";

  private PremisesOutput() {
  }

  /**
   * Refuses a directory that cannot be written, before any work.
   *
   * @throws IllegalArgumentException naming option {@code --out}
   */
  public static void checkWritable(Path dir) {
    try {
      Files.createDirectories(dir);
      Files.delete(Files.createTempFile(dir, ".write-check", ""));
    } catch (IOException | SecurityException e) {
      throw new IllegalArgumentException("option '--out' = " + dir
          + " is not a writable directory (" + e.getMessage() + ")");
    }
  }

  /** Writes one pair's tables and Markdown into {@code dir}; rebuilds {@code DIR/PREMISES.md}. */
  public static synchronized void write(Path dir, PremisesPair.Result result) {
    String slug = result.pair().slug();
    Path staging = dir.resolve(STAGING).resolve(slug + "-" + UUID.randomUUID());
    try {
      for (Map.Entry<String, List<Map<String, Object>>> table : result.tables().entrySet()) {
        ParquetTable.write(staging.resolve(table.getKey()).resolve("part-00000.parquet"),
            table.getKey(), table.getValue(), table.getKey().equals(PremiseOutcome.TABLE)
                ? PremiseOutcome.NULLABLE_COLUMNS : Map.of());
      }
      Files.createDirectories(staging.resolve(slug));
      List<Path> figures = PremisesFigures.write(staging.resolve(slug), result.tables(),
          result.backbone() + " × " + result.dataset());
      StringBuilder md = new StringBuilder(result.markdown().stripTrailing()).append('\n');
      if (!figures.isEmpty()) {
        md.append("\n## Figures\n\n");
        for (Path f : figures) {
          md.append("![").append(f.getFileName()).append("](").append(f.getFileName())
              .append(")\n");
        }
      }
      Files.writeString(staging.resolve(slug).resolve(PREMISES_MD), md.toString());
      for (String table : result.tables().keySet()) {
        replace(staging.resolve(table), dir.resolve(table).resolve(PARTITION + slug), staging);
      }
      replace(staging.resolve(slug), dir.resolve(slug), staging);
      index(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the premises of " + slug + " into " + dir, e);
    } finally {
      delete(staging);
      try {
        Files.deleteIfExists(dir.resolve(STAGING));
      } catch (IOException e) {
        // not empty (another writer's staging): left in place
      }
    }
  }

  /** The partition directory of {@code table} for the pair {@code slug}. */
  public static Path partition(Path dir, String table, String slug) {
    return dir.resolve(table).resolve(PARTITION + slug);
  }

  /** Moves {@code from} to {@code to}, an older {@code to} first moved aside into staging. */
  private static void replace(Path from, Path to, Path staging) throws IOException {
    Files.createDirectories(to.getParent());
    if (Files.exists(to)) {
      Files.move(to, staging.resolve("replaced-" + UUID.randomUUID()),
          StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
  }

  /** {@code DIR/PREMISES.md}: every {@code DIR/<pair>/PREMISES.md}, in name order. */
  private static void index(Path dir) throws IOException {
    StringBuilder md = new StringBuilder();
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path pair : entries.filter(p -> Files.isRegularFile(p.resolve(PREMISES_MD)))
          .sorted().toList()) {
        String text = Files.readString(pair.resolve(PREMISES_MD));
        for (String figure : PremisesFigures.FILES) {
          // the pair's figures sit beside its own file: from DIR/PREMISES.md, in DIR/<pair>/
          text = text.replace("](" + figure + ")", "](" + pair.getFileName() + "/" + figure + ")");
        }
        md.append(md.length() == 0 ? "" : "\n").append(text);
      }
    }
    Path tmp = dir.resolve(STAGING).resolve(PREMISES_MD + "-" + UUID.randomUUID());
    Files.writeString(tmp, md.toString());
    Files.move(tmp, dir.resolve(PREMISES_MD), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  private static void delete(Path path) {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the staging directory " + path, e);
    }
  }
}
