package org.slicelab.ablations.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/** The built-in {@link TableReader}s: CSV and TSV (Apache Commons CSV) and JSON lines. */
final class TextTableReaders {
  private TextTableReaders() {
  }

  /** Delimited text with a header row. */
  static final class Delimited implements TableReader {
    private final CSVFormat format;
    private final List<String> extensions;

    Delimited(CSVFormat base, List<String> extensions) {
      this.format = base.builder().setHeader().setSkipHeaderRecord(true).get();
      this.extensions = extensions;
    }

    @Override
    public List<String> extensions() {
      return extensions;
    }

    @Override
    public List<Row> read(Path file, List<String> columns) {
      List<Row> rows = new ArrayList<>();
      try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
          CSVParser parser = CSVParser.builder().setReader(in).setFormat(format).get()) {
        Map<String, Integer> header = parser.getHeaderMap();
        for (String column : columns) {
          if (column != null && !header.containsKey(column)) {
            throw new IllegalArgumentException(file + " has no column '" + column
                + "'; its columns: " + String.join(", ", parser.getHeaderNames()));
          }
        }
        var records = parser.iterator();
        while (true) {
          CSVRecord record;
          try {
            if (!records.hasNext()) {
              break;
            }
            record = records.next();
          } catch (UncheckedIOException e) {
            throw new IllegalArgumentException(file + ": unreadable row near line "
                + parser.getCurrentLineNumber() + " (" + e.getCause().getMessage() + ")", e);
          }
          String position = "line " + record.getParser().getCurrentLineNumber();
          if (!record.isConsistent()) {
            throw new IllegalArgumentException(file + ": unreadable row at " + position + " ("
                + record.size() + " fields, the header has " + header.size() + ")");
          }
          String[] values = new String[columns.size()];
          for (int i = 0; i < values.length; i++) {
            values[i] = columns.get(i) == null ? null : record.get(columns.get(i));
          }
          rows.add(new Row(position, values));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
      return rows;
    }
  }

  /** One JSON object per line; blank lines are skipped. */
  static final class JsonLines implements TableReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public List<String> extensions() {
      return List.of("jsonl", "ndjson");
    }

    @Override
    public List<Row> read(Path file, List<String> columns) {
      List<Row> rows = new ArrayList<>();
      try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        int line = 0;
        for (String text = in.readLine(); text != null; text = in.readLine()) {
          line++;
          if (text.isBlank()) {
            continue;
          }
          JsonNode node;
          try {
            node = JSON.readTree(text);
          } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": unreadable row at line " + line
                + " (not JSON: " + e.getOriginalMessage() + ")", e);
          }
          if (!node.isObject()) {
            throw new IllegalArgumentException(file + ": unreadable row at line " + line
                + " (not a JSON object)");
          }
          String[] values = new String[columns.size()];
          for (int i = 0; i < values.length; i++) {
            String column = columns.get(i);
            if (column == null) {
              continue;
            }
            JsonNode value = node.get(column);
            if (value == null || value.isNull()) {
              throw new IllegalArgumentException(file + " line " + line + " has no field '"
                  + column + "'");
            }
            values[i] = value.isValueNode() ? value.asText() : value.toString();
          }
          rows.add(new Row("line " + line, values));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
      return rows;
    }
  }
}
