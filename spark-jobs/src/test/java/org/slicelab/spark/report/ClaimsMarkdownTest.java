package org.slicelab.spark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.spark.report.FrozenVerdicts.Frozen;

/**
 * The README's claims table ({@link ClaimsMarkdown}) judges as a plain {@code report} does and
 * shows REPORT.md's rows: the seeds of the last completed look only, the frozen verdicts, paper
 * claims only; before the first look completes it is the fixed line.
 */
class ClaimsMarkdownTest extends LocalSparkTest {
  @TempDir
  static Path dir;

  private static ClaimsMarkdown table(Path results) {
    return ClaimsMarkdown.compute(spark, new ReportOptions(results.toString(), null, null), 1.0);
  }

  private static String reportMd(Path results) throws Exception {
    PrintStream log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    ReportSummary summary = ReportJob.run(spark, new ReportOptions(results.toString(), null,
        dir.resolve("report-of-" + results.getFileName())), 1.0, log);
    return Files.readString(summary.reportMd());
  }

  private static List<String> rows(String markdown) {
    return markdown.lines().filter(l -> l.startsWith("| **")).toList();
  }

  @Test
  void beforeTheFirstLookCompletesTheTableIsTheFixedLine() {
    // trials of look 1 are being written, none of the look is judged yet
    Path out = CraftedFigure2.results(dir.resolve("before-look-1"), 2);
    CraftedFigure2.design(out, new int[] {3, 6}, 0, FrozenVerdicts.NONE);
    ClaimsMarkdown table = table(out);
    assertEquals(ClaimsMarkdown.NO_COMPLETED_LOOK, table.text());
    assertEquals(0, table.look());
    assertEquals(2, table.looks());
  }

  @Test
  void aSequentialRunIsJudgedAtItsLastCompletedLookWithItsFrozenVerdicts() throws Exception {
    // looks at 2, 3 and 4 seeds; two done; seed 4 (look 3) is being written and must not count
    Path out = CraftedFigure2.results(dir.resolve("look-2"), 4);
    CraftedFigure2.design(out, new int[] {2, 3, 4}, 2, CraftedFigure2.frozen("fig2d",
        new Frozen(Claim.REPRODUCED, 1, 0.25, 0.13, 0.37, 0.95, 2)));
    ClaimsMarkdown table = table(out);
    String text = table.text();
    assertEquals(2, table.look());
    assertTrue(text.startsWith("Grid `" + CraftedFigure2.GRID + "`, look 2 of 3: seeds [1, 2, "
        + "3] "), text);
    assertTrue(text.contains("Margin ±1 point (also judged at ±2); error rate 0.05 per verdict, "
        + "0.01667 spent at this look (2 of 3)."), text);

    List<String> rows = rows(text);
    assertEquals(List.of("fig2a_rise", "fig2a_decline", "fig2b_column", "fig2b_row", "fig2c",
        "fig2d", "sift"), rows.stream().map(r -> r.substring(4, r.indexOf("**", 4))).toList(),
        "one row per paper claim, no protocol check: " + text);
    String fig2d = rows.stream().filter(r -> r.startsWith("| **fig2d**")).findFirst()
        .orElseThrow();
    assertTrue(fig2d.contains("| +0.25 | [+0.13, +0.37] (95%) |")
        && fig2d.contains("| 2 | **reproduced** |"), "the frozen verdict and its numbers: "
        + fig2d);
    assertTrue(rows.stream().filter(r -> !r.contains("**fig2d**"))
        .allMatch(r -> r.contains(" | 3 | **")), "three seeds judged: " + text);
    assertTrue(text.contains("Decided: "), text);

    // the rows are REPORT.md's rows, character for character
    List<String> reportRows = rows(reportMd(out));
    assertTrue(reportRows.containsAll(rows), "REPORT.md:\n" + reportRows + "\ntable:\n" + rows);
    assertEquals(rows.size() + 1, reportRows.size(), "REPORT.md adds the protocol check only");

    assertEquals(text, table(out).text(), "the same results give the same text");
  }

  @Test
  void aPlainResultsDirectoryIsJudgedOnEverySeed() throws Exception {
    Path out = CraftedFigure2.results(dir.resolve("plain"), 3);
    String text = table(out).text();
    assertTrue(text.startsWith("Grid `" + CraftedFigure2.GRID + "`, every seed recorded (3), "),
        text);
    assertFalse(text.contains("look 2"), text);
    assertTrue(rows(reportMd(out)).containsAll(rows(text)), text);
    assertTrue(text.contains("(1 of 1)") && !text.contains(ClaimsMarkdown.NO_COMPLETED_LOOK),
        text);
  }
}
