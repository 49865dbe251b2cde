package org.slicelab.ablations.data;

import org.slicelab.ablations.model.Modality;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.slicelab.ablations.cache.Checksums;

/**
 * A data set from the user's own file or directory of CSV, TSV, JSON lines (or Parquet, when a
 * Parquet {@link TableReader} is on the classpath, as in the Spark jobs).
 *
 * <p>Options (in the {@code dataset} value, see {@link DatasetOptions}): {@code text} and
 * {@code label} name the columns (defaults {@code text}, {@code label}); {@code group} names an
 * optional domain column, and {@code train} / {@code test} then pick domains for training and
 * testing. A directory holding {@code train.*} and {@code test.*} (and optionally
 * {@code validation.*}, {@code val.*} or {@code dev.*}) has given splits (without a validation
 * file 20% of train is held out, stratified); any other file or directory is pooled and split
 * 60/20/20, stratified, with seed 0. Labels are read as strings and numbered in sorted order
 * (numerically when every label is an integer); the names are kept for the export.
 */
public final class TableDataset extends PreparedDataset<LabeledText> {
  /** The option keys. */
  public static final List<String> OPTIONS = List.of("text", "label", "group", "train", "test");

  private static final List<TableReader> READERS = readers();

  TableDataset(String name, Path location, DatasetOptions options) {
    super(name, Modality.TEXT, read(name, location, options));
  }

  private static Contents<LabeledText> read(String name, Path location,
      DatasetOptions options) {
    String what = "dataset '" + name + "'";
    if (!Files.exists(location)) {
      throw new IllegalArgumentException(what + ": " + location + " does not exist");
    }
    List<String> columns = new ArrayList<>(List.of(options.get("text", "text"),
        options.get("label", "label")));
    columns.add(options.options().get("group"));
    if (options.options().get("group") == null
        && (options.options().containsKey("train") || options.options().containsKey("test"))) {
      throw DatasetOptions.invalid(name, "options 'train' and 'test' pick domains of the "
          + "'group' column: give 'group' too");
    }
    Map<String, List<Path>> parts = parts(location, what);
    Map<String, List<RawRow>> raw = new LinkedHashMap<>();
    List<Path> all = new ArrayList<>();
    for (Map.Entry<String, List<Path>> part : parts.entrySet()) {
      List<RawRow> rows = new ArrayList<>();
      for (Path file : part.getValue()) {
        rows.addAll(readFile(file, columns));
        all.add(file);
      }
      raw.put(part.getKey(), rows);
    }
    List<String> labelNames = labelNames(raw.values().stream().flatMap(List::stream).toList(), what);
    Map<String, Integer> ids = new HashMap<>();
    for (int i = 0; i < labelNames.size(); i++) {
      ids.put(labelNames.get(i), i);
    }
    DatasetSplits<LabeledText> splits;
    if (parts.containsKey("pool")) {
      List<LabeledText> pool = texts(raw.get("pool"), ids);
      splits = DatasetSplits.byDomain(pool, options.list("train"), options.list("test"),
          0, what);
    } else {
      List<LabeledText> train = texts(raw.get("train"), ids);
      List<LabeledText> test = texts(raw.get("test"), ids);
      if (raw.containsKey("validation")) {
        splits = new DatasetSplits<>(train, texts(raw.get("validation"), ids), test);
      } else {
        DatasetSplits<LabeledText> held = DatasetSplits.stratified(train,
            DatasetSplits.VAL_FRACTION, 0, 0);
        splits = new DatasetSplits<>(held.train(), held.validation(), test);
      }
    }
    return new Contents<>(splits, labelNames, Checksums.sha256(all));
  }

  /** One row as read: where it is, its text, label and (optional) group. */
  private record RawRow(String where, String text, String label, String group) {
  }

  /** "pool", or "train" / "validation" / "test", each with its files. */
  private static Map<String, List<Path>> parts(Path location, String what) {
    Map<String, List<Path>> parts = new LinkedHashMap<>();
    if (Files.isRegularFile(location)) {
      reader(location, what);
      parts.put("pool", List.of(location));
      return parts;
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(location)) {
      files = list.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString()
          .startsWith(".")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + location, e);
    }
    files = files.stream().filter(f -> readerOrNull(f) != null).toList();
    if (files.isEmpty()) {
      throw new IllegalArgumentException(what + ": " + location + " is neither a table "
          + "directory (it holds no file with a supported extension: " + String.join(", ",
          extensions()) + ") nor an image folder (one subdirectory per class holding PNG/JPEG "
          + "files, or train/ and test/ each holding class subdirectories)");
    }
    for (Path f : files) {
      String stem = stem(f);
      String split = switch (stem) {
        case "train" -> "train";
        case "validation", "val", "dev" -> "validation";
        case "test" -> "test";
        default -> null;
      };
      if (split != null) {
        parts.computeIfAbsent(split, k -> new ArrayList<>()).add(f);
      }
    }
    if (parts.isEmpty()) {
      parts.put("pool", files);
    } else if (!parts.containsKey("train") || !parts.containsKey("test")) {
      throw new IllegalArgumentException(what + ": " + location + " has given splits "
          + parts.keySet() + " but needs both train.* and test.*");
    }
    return parts;
  }

  private static List<RawRow> readFile(Path file, List<String> columns) {
    List<RawRow> rows = new ArrayList<>();
    for (TableReader.Row row : reader(file, file.toString()).read(file, columns)) {
      String[] v = row.values();
      String where = file.getFileName() + " " + row.position();
      if (v[0] == null || v[0].isBlank()) {
        throw new IllegalArgumentException(file + ": empty text at " + row.position());
      }
      if (v[1] == null || v[1].isBlank()) {
        throw new IllegalArgumentException(file + ": empty label at " + row.position());
      }
      rows.add(new RawRow(where, v[0], v[1].strip(), v[2] == null ? "" : v[2].strip()));
    }
    return rows;
  }

  /** Distinct labels in sorted order (numeric when all are integers); at least two. */
  private static List<String> labelNames(List<RawRow> rows, String what) {
    TreeSet<String> distinct = new TreeSet<>();
    rows.forEach(r -> distinct.add(r.label()));
    List<String> names = new ArrayList<>(distinct);
    if (names.stream().allMatch(n -> n.matches("-?\\d{1,18}"))) {
      names.sort((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)));
    }
    if (names.size() < 2) {
      throw new IllegalArgumentException(what + ": the label column has a single class "
          + names + "; at least two are needed");
    }
    return Collections.unmodifiableList(names);
  }

  private static List<LabeledText> texts(List<RawRow> rows, Map<String, Integer> ids) {
    List<LabeledText> out = new ArrayList<>(rows.size());
    for (RawRow r : rows) {
      out.add(new LabeledText(r.where(), r.group(), r.text(), ids.get(r.label())));
    }
    return out;
  }

  private static TableReader reader(Path file, String what) {
    TableReader reader = readerOrNull(file);
    if (reader == null) {
      throw new IllegalArgumentException(what + ": cannot read " + file.getFileName()
          + "; supported extensions: " + String.join(", ", extensions()));
    }
    return reader;
  }

  /** Whether {@code file} is a visible file with a table extension (CSV, TSV, ...). */
  static boolean isTableFile(Path file) {
    return !file.getFileName().toString().startsWith(".") && readerOrNull(file) != null;
  }

  private static TableReader readerOrNull(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    String ext = name.substring(name.lastIndexOf('.') + 1);
    return READERS.stream().filter(r -> r.extensions().contains(ext)).findFirst().orElse(null);
  }

  private static List<String> extensions() {
    return READERS.stream().flatMap(r -> r.extensions().stream()).toList();
  }

  private static String stem(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    int dot = name.indexOf('.');
    return dot < 0 ? name : name.substring(0, dot);
  }

  private static List<TableReader> readers() {
    List<TableReader> readers = new ArrayList<>(List.of(
        new TextTableReaders.Delimited(CSVFormat.DEFAULT, List.of("csv")),
        new TextTableReaders.Delimited(CSVFormat.TDF, List.of("tsv", "tab")),
        new TextTableReaders.JsonLines()));
    ServiceLoader.load(TableReader.class).forEach(readers::add);
    return List.copyOf(readers);
  }
}
