package org.slicelab.spark.sequential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.spark.results.ResultSchema;
import org.slicelab.spark.results.ResultTables;
import org.slicelab.spark.sweep.SweepTestSupport;
import org.slicelab.spark.sweep.SweepTestSupport.CliRun;

/**
 * {@code figure2 --until-conclusive} end to end on tiny real trials: only the configurations of
 * undecided paper claims get the next look's seeds, the design is fixed in advance (a rerun with
 * other options is refused), and a rerun with the same options runs nothing.
 */
class UntilConclusiveTest {
  @TempDir
  Path dir;

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Map<String, Object> m, String key) {
    return (List<Map<String, Object>>) m.get(key);
  }

  @Test
  void seedsGoOnlyToUndecidedClaimsAndTheDesignIsFixed() throws Exception {
    // fig2c (a paper claim) is undecided at one seed; the head-only reference feeds only the
    // protocol check, which is not a paper claim, so it must not get more seeds.
    Path grid = SweepTestSupport.writeGrid(dir, "conclusive.conf", "name = conclusive\n"
        // large enough that a slice does not collapse to the majority class (collapsed runs are
        // left out of every claim, which would leave nothing to extend)
        + "defaults { train_size = 96, val_size = 32, test_size = 64, max_len = 32, epochs = 2, "
        + "batch_size = 16 }\n"
        + "panels {\n"
        + "  wanda { fixed { method = slicefine, rank = 2, lr = 5e-3, calib_size = 8 },"
        + " axes { selector = [\"wanda:most\", \"wanda:random\"] } }\n"
        + "  reference_head { fixed { method = head, lr = 5e-3 } }\n"
        + "}\n");
    String out = dir.resolve("out").toString();
    CliRun first = SweepTestSupport.cli("figure2", "--grid", grid.toString(), "--out", out,
        "--master", "local[2]", "--until-conclusive", "--max-seeds", "3", "--looks", "2");
    assertEquals(0, first.exitCode(), first.stderr());
    Map<String, Object> json = first.json();
    assertEquals(List.of(1, 3), json.get("seeds_at_look"));
    assertEquals(2, json.get("looks_done"));
    List<Map<String, Object>> sweeps = list(json, "sweeps");
    assertEquals(2, sweeps.size(), json.toString());
    assertEquals(3, sweeps.get(0).get("ran"), "look 1: the grid as written");
    assertEquals(4, sweeps.get(1).get("ran"), "look 2: seeds 2 and 3 of both Wanda configs");

    Map<String, Integer> seedsPerMethod = SweepTestSupport.withSpark(spark -> {
      Map<String, Integer> counts = new TreeMap<>();
      for (Row r : ResultTables.trials(spark, out).collectAsList()) {
        assertEquals("ok", r.getAs(ResultSchema.STATUS), r.toString());
        counts.merge(r.getAs("method"), 1, Integer::sum);
      }
      return counts;
    });
    assertEquals(Map.of("head", 1, "slicefine", 6), seedsPerMethod);
    String state = Files.readString(dir.resolve("out/sequential.json"));
    assertTrue(state.contains("look 2"), state);
    assertTrue(state.contains("\"grid_trial_ids_sha256\""), state);
    String report = Files.readString(dir.resolve("out/report/REPORT.md"));
    assertTrue(report.contains("This report is look 2 (this report completes it"), report);
    assertTrue(!report.contains("not complete yet") && report.contains("- look 1: 1 seeds"),
        "the run's own last report is the judgement of its last look, not an incomplete one: "
        + report);

    CliRun other = SweepTestSupport.cli("figure2", "--grid", grid.toString(), "--out", out,
        "--master", "local[1]", "--until-conclusive", "--max-seeds", "4", "--looks", "2");
    assertEquals(2, other.exitCode(), other.stdout());
    assertTrue(((String) other.json().get("error")).contains("design is fixed in advance"),
        other.json().toString());

    CliRun again = SweepTestSupport.cli("figure2", "--grid", grid.toString(), "--out", out,
        "--master", "local[1]", "--until-conclusive", "--max-seeds", "3", "--looks", "2");
    assertEquals(0, again.exitCode(), again.stderr());
    for (Map<String, Object> sweep : list(again.json(), "sweeps")) {
      assertEquals(0, sweep.get("ran"), "a rerun with the same design runs nothing: " + sweep);
    }

    // the grid edited between looks (one more Wanda category): refused before any work
    String text = Files.readString(grid);
    Files.writeString(grid, text.replace("\"wanda:random\"]", "\"wanda:random\", "
        + "\"wanda:least\"]"));
    CliRun edited = SweepTestSupport.cli("figure2", "--grid", grid.toString(), "--out", out,
        "--master", "local[1]", "--until-conclusive", "--max-seeds", "3", "--looks", "2");
    Files.writeString(grid, text);
    assertEquals(2, edited.exitCode(), edited.stdout());
    String error = (String) edited.json().get("error");
    assertTrue(error.contains("had 3 trials") && error.contains("now gives conclusive with 4 "
        + "trials") && error.contains("1 added, 0 removed"), error);
    assertTrue(error.matches("(?s).*sha256 of the sorted trial ids [0-9a-f]{64}.*\\([0-9a-f]{64}"
        + "\\).*"), error);
    long least = SweepTestSupport.withSpark(spark -> ResultTables.trials(spark, out)
        .filter("spec_json like '%wanda:least%'").count());
    assertEquals(0, least, "nothing ran");
  }
}
