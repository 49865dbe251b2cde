package org.slicelab.spark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slicelab.spark.cli.SliceLab;
import org.slicelab.spark.sweep.SweepTestSupport;

/**
 * Parses every Zeppelin note in notebooks-zeppelin/ and runs every {@code %spark.sql} paragraph
 * through Spark SQL against the tables of a real tiny Figure 2 run (and, for the premises note,
 * of a real tiny premises run with its outcome on that Figure 2 run), with the note parameter
 * {@code results} substituted the way Zeppelin does. Fails on any SQL error, on a query that
 * returns no rows, and on chart settings naming columns the query does not return.
 */
class NotebookSqlTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Zeppelin's note-level form {@code $${name=default}} (Input.VAR_NOTE_PTN). */
  private static final Pattern NOTE_FORM =
      Pattern.compile("([_])?[$]{2}[{]([^=}]*([=][^}]*)?)[}]");
  /** Zeppelin's paragraph-level form {@code ${name=default}} (Input.VAR_PTN). */
  private static final Pattern PARAGRAPH_FORM =
      Pattern.compile("(?<![$])([_])?[$][{]([^=}]*([=][^}]*)?)[}]");
  private static final Path NOTES = ReportTestSupport.ROOT.resolve("notebooks-zeppelin");

  static SparkSession spark;
  static Path results;
  static Path premises;

  @BeforeAll
  static void tinyRun() {
    TinyFigure2.Run run = TinyFigure2.get();
    // the tiny grid's injected fault leaves one trial not ok: exit 3, the tables are complete
    assertEquals(SliceLab.EXIT_NOT_ALL_OK, run.first().exitCode(), run.first().stderr());
    results = run.out();
    premises = run.dir().resolve("premises");
    SweepTestSupport.CliRun tiny = SweepTestSupport.cli("premises", "--pair",
        "all-minilm-l6-v2", "spam-assassin", "--targets", "output.dense", "--train-size", "12",
        "--max-len", "8", "--ranks", "1", "--positions", "2", "--random-positions", "0",
        "--null-draws", "2", "--results", results.toString(), "--master", "local[2]", "--out",
        premises.toString());
    assertEquals(0, tiny.exitCode(), tiny.stderr());
    spark = ReportTestSupport.spark();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  static List<Path> notes() throws Exception {
    try (Stream<Path> files = Files.list(NOTES)) {
      return files.filter(p -> p.toString().endsWith(".zpln")).sorted().toList();
    }
  }

  @Test
  void everyNoteExists() throws Exception {
    assertEquals(List.of("figure2.zpln", "premises.zpln", "sweep-health.zpln"), notes().stream()
        .map(p -> p.getFileName().toString()).toList());
  }

  @Test
  void notesAreZeppelinJsonWithResultsCleared() throws Exception {
    Set<String> ids = new HashSet<>();
    for (Path file : notes()) {
      JsonNode note = JSON.readTree(file.toFile());
      assertTrue(note.path("id").asText().matches("[A-Z0-9]{9}"), file + ": note id");
      assertTrue(ids.add(note.path("id").asText()), file + ": duplicate note id");
      assertEquals("0.12.0", note.path("version").asText(), file.toString());
      assertEquals("spark", note.path("defaultInterpreterGroup").asText());
      assertFalse(note.path("name").asText().isBlank());
      assertTrue(note.path("paragraphs").size() >= 5, file.toString());
      Set<String> forms = new HashSet<>();
      for (JsonNode p : note.path("paragraphs")) {
        String where = file.getFileName() + " / " + p.path("title").asText();
        assertTrue(ids.add(p.path("id").asText()), where + ": duplicate paragraph id");
        assertEquals("READY", p.path("status").asText(), where);
        assertTrue(p.path("results").isMissingNode() || p.path("results").path("msg").isEmpty(),
            where + ": results must be cleared");
        String text = p.path("text").asText();
        assertTrue(text.startsWith("%md\n") || text.startsWith("%spark.sql\n"), where
            + ": only %md and %spark.sql paragraphs");
        Matcher m = NOTE_FORM.matcher(text);
        while (m.find()) {
          forms.add(m.group(2).split("=")[0].trim());
        }
        assertFalse(PARAGRAPH_FORM.matcher(text).find(), where + ": use the note parameter "
            + "$${results=...}, not paragraph forms");
      }
      assertEquals(Set.of("results"), forms, file + ": one note parameter, 'results'");
    }
  }

  @Test
  void everySqlParagraphRunsAndReturnsRows() throws Exception {
    int queries = 0;
    for (Path file : notes()) {
      JsonNode note = JSON.readTree(file.toFile());
      for (JsonNode p : note.path("paragraphs")) {
        String text = p.path("text").asText();
        if (!text.startsWith("%spark.sql\n")) {
          continue;
        }
        String where = file.getFileName() + " / " + p.path("title").asText();
        Path input = file.getFileName().toString().equals("premises.zpln") ? premises : results;
        String sql = substitute(text.substring("%spark.sql\n".length()),
            Map.of("results", input.toString()));
        List<String> statements = split(sql);
        assertFalse(statements.isEmpty(), where);
        Dataset<Row> last = null;
        for (String statement : statements) {
          try {
            last = spark.sql(statement);
            if (isQuery(statement)) {
              List<Row> rows = last.collectAsList();
              assertFalse(rows.isEmpty(), where + ": no rows from\n" + statement);
              queries++;
            } else {
              last.collect();
            }
          } catch (Exception e) {
            fail(where + ": " + e.getMessage() + "\n" + statement, e);
          }
        }
        checkGraph(where, p.path("config").path("results"), last, statements);
      }
    }
    assertTrue(queries >= 15, "queries run: " + queries);
  }

  /** Chart keys, groups and values must name columns of the result, at their positions. */
  private static void checkGraph(String where, JsonNode results, Dataset<Row> last,
      List<String> statements) {
    JsonNode graph = results.path("0").path("graph");
    if (graph.isMissingNode()) {
      return;
    }
    String mode = graph.path("mode").asText();
    assertTrue(List.of("table", "lineChart", "multiBarChart").contains(mode), where + ": " + mode);
    if (mode.equals("table")) {
      return;
    }
    assertNotNull(last, where);
    assertTrue(isQuery(statements.get(statements.size() - 1)), where);
    List<String> columns = Arrays.asList(last.columns());
    assertFalse(graph.path("keys").isEmpty(), where + ": chart without keys");
    assertFalse(graph.path("values").isEmpty(), where + ": chart without values");
    for (String part : List.of("keys", "groups", "values")) {
      for (JsonNode c : graph.path(part)) {
        String name = c.path("name").asText();
        assertTrue(columns.contains(name), where + ": chart " + part + " '" + name
            + "' is not a column of " + columns);
        assertEquals(columns.indexOf(name), c.path("index").asInt(), where + ": index of "
            + name);
      }
    }
  }

  /** Substitutes note forms as Zeppelin's Input.getSimpleQuery does (value, else default). */
  static String substitute(String text, Map<String, String> params) {
    Matcher m = NOTE_FORM.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String body = m.group(2);
      int eq = body.indexOf('=');
      String name = (eq < 0 ? body : body.substring(0, eq)).trim();
      String value = params.containsKey(name) ? params.get(name)
          : eq < 0 ? "" : body.substring(eq + 1);
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Splits on semicolons outside quotes and backticks (as Zeppelin's SQL splitter does). */
  static List<String> split(String sql) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    char quote = 0;
    for (char c : sql.toCharArray()) {
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"' || c == '`') {
        quote = c;
      } else if (c == ';') {
        if (!cur.toString().isBlank()) {
          out.add(cur.toString().strip());
        }
        cur.setLength(0);
        continue;
      }
      cur.append(c);
    }
    if (!cur.toString().isBlank()) {
      out.add(cur.toString().strip());
    }
    return out;
  }

  private static boolean isQuery(String statement) {
    String s = statement.stripLeading().toUpperCase(java.util.Locale.ROOT);
    return s.startsWith("SELECT") || s.startsWith("WITH");
  }
}
