package org.slicelab.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.spark.report.TinyFigure2;
import org.slicelab.spark.sweep.SweepTestSupport;
import org.slicelab.spark.sweep.SweepTestSupport.CliRun;

/** {@code slicelab figure2} and {@code slicelab report} end to end on tiny real trials. */
class Figure2CommandTest {
  @TempDir
  Path tmp;

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Map<String, Object> m, String key) {
    return (Map<String, Object>) m.get(key);
  }

  @Test
  void figure2SweepsThenReportsEverything() throws Exception {
    TinyFigure2.Run run = TinyFigure2.get();
    CliRun first = run.first();
    assertEquals(SliceLab.EXIT_NOT_ALL_OK, first.exitCode(), "the injected fault is not ok: "
        + first.stderr());
    Map<String, Object> json = first.json();
    assertEquals("figure2", json.get("command"));
    assertEquals("figure2-tiny", json.get("grid"));
    Map<String, Object> sweep = map(json, "sweep");
    assertEquals(TinyFigure2.TRIALS, sweep.get("total"), sweep.toString());
    // a trial's numerics are not this test's business: count a (rare) divergence as done
    int ok = (Integer) sweep.get("ok");
    assertEquals(TinyFigure2.TRIALS - 1, ok + (Integer) sweep.get("diverged"), first.stderr());
    assertEquals(1, sweep.get("failed"), "the injected fault");
    Map<String, Object> report = map(json, "report");
    assertEquals(ok, ((Number) report.get("ok")).intValue());
    assertEquals(1, ((Number) report.get("failed")).intValue());
    Map<String, Object> points = map(report, "points");
    Map<String, Integer> expected = Map.of("figure2_rank", 2, "figure2_position", 4,
        "figure2_wanda", 2, "figure2_lth", 2, "figure2_sift", 1, "figure2_reference", 3);
    assertEquals(expected.keySet(), points.keySet());
    int total = 0;
    for (Map.Entry<String, Integer> e : expected.entrySet()) {
      int n = (Integer) points.get(e.getKey());
      assertTrue(n >= 1 && n <= e.getValue(), e.getKey() + ": " + points);
      total += n;
    }
    // the rank-2 row slice at position 0 is a point of both the rank and the position table
    assertTrue(total == ok + 1 || total == ok && ok < TinyFigure2.TRIALS - 1, points.toString());
    for (Object png : (List<?>) report.get("figures")) {
      assertTrue(Files.size(Path.of((String) png)) > 2000, png.toString());
    }
    for (Object table : (List<?>) report.get("tables")) {
      assertTrue(Files.isDirectory(Path.of((String) table)), table.toString());
    }
    String md = Files.readString(Path.of((String) report.get("report_md")));
    assertTrue(md.contains("injected fault (fault = throw)"), md);
    assertTrue(md.contains("![Figure 2](figure2.png)"), md);
    // one seed: every claim is inconclusive, and says why
    Map<String, Object> claims = map(report, "claims");
    assertEquals(0, claims.get("reproduced"), claims.toString());
    assertEquals(0, claims.get("not reproduced"), claims.toString());
  }

  @Test
  void rerunSkipsRecordedTrialsAndRewritesTheReport() throws Exception {
    TinyFigure2.Run run = TinyFigure2.get();
    Path md = run.out().resolve("report/REPORT.md");
    Files.delete(md);
    CliRun again = SweepTestSupport.cli("figure2", "--grid", run.grid().toString(),
        "--out", run.out().toString(), "--master", "local[2]");
    assertEquals(SliceLab.EXIT_NOT_ALL_OK, again.exitCode(), "the failed trial is still not ok: "
        + again.stderr());
    Map<String, Object> sweep = map(again.json(), "sweep");
    assertEquals(1, sweep.get("skipped_not_ok"), sweep.toString());
    assertEquals(false, sweep.get("all_ok"));
    assertEquals(0, sweep.get("ran"), sweep.toString());
    assertEquals(TinyFigure2.TRIALS, sweep.get("skipped"));
    assertTrue(Files.exists(md), "report rewritten");
    assertEquals((long) TinyFigure2.TRIALS, ((Number) map(again.json(), "report")
        .get("attempts")).longValue(), "nothing duplicated");
  }

  @Test
  void reportCommandWritesIntoAChosenDirectoryAndRejectsEmptyResults() {
    TinyFigure2.Run run = TinyFigure2.get();
    Path dir = tmp.resolve("elsewhere");
    CliRun report = SweepTestSupport.cli("report", "--results", run.out().toString(),
        "--report-dir", dir.toString(), "--master", "local[1]");
    assertEquals(0, report.exitCode(), report.stderr());
    assertEquals("report", report.json().get("command"));
    assertTrue(Files.exists(dir.resolve("REPORT.md")));
    assertTrue(Files.exists(dir.resolve("figure2.png")));
    assertTrue(Files.isDirectory(dir.resolve("claims")));

    CliRun empty = SweepTestSupport.cli("report", "--results",
        tmp.resolve("nothing").toString(), "--master", "local[1]");
    assertEquals(2, empty.exitCode(), empty.stderr());
    assertEquals("error", empty.json().get("status"));
    assertTrue(((String) empty.json().get("error")).contains("no sweep results"),
        empty.json().toString());
  }
}
