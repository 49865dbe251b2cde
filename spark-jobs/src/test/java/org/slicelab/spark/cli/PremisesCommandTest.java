package org.slicelab.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.ablations.premises.PremisesTables;
import org.slicelab.spark.premises.PremisesOutput;
import org.slicelab.spark.sweep.SweepTestSupport;

/** {@code slicelab premises} on the default backbone, made small: outputs and bad input. */
class PremisesCommandTest {
  @TempDir
  Path dir;

  @Test
  @SuppressWarnings("unchecked")
  void writesEveryTableAndPremisesMdAndEndsWithJson() throws Exception {
    Path out = dir.resolve("premises");
    SweepTestSupport.CliRun run = SweepTestSupport.cli("premises", "--dataset",
        "sentiment-sentences", "--targets", "output.dense", "--train-size", "16", "--max-len",
        "8", "--ranks", "1,2", "--positions", "4", "--random-positions", "1", "--null-draws",
        "3", "--out", out.toString());
    assertEquals(0, run.exitCode(), run.stderr());
    Map<String, Object> json = run.json();
    assertEquals("ok", json.get("status"));
    for (String table : PremisesTables.NAMES) {
      assertTrue(Files.exists(PremisesOutput.partition(out, table,
          "all-minilm-l6-v2__sentiment-sentences").resolve("part-00000.parquet")), table);
    }
    String md = Files.readString(out.resolve("PREMISES.md"));
    assertTrue(md.contains("balance_verdicts") && md.contains("k90_median"), md);
    Map<String, Map<String, Object>> summary =
        (Map<String, Map<String, Object>>) json.get("summary");
    // MiniLM has 6 output.dense layers: 2 axes x 2 ranks each
    assertEquals(24, summary.get("pretrained").get("balance_cases"));
    assertEquals(24, summary.get("random").get("balance_cases"));
    assertEquals(6, summary.get("pretrained").get("task_energy_layers"));
    assertEquals(0, summary.get("pretrained").get("gradient_share_zero"));
  }

  @Test
  void anUnknownLayerPatternOrATooLargeRankIsBadInputBeforeAnyWork() {
    Path out = dir.resolve("bad");
    SweepTestSupport.CliRun run = SweepTestSupport.cli("premises", "--targets", "no.such.layer",
        "--out", out.toString());
    assertEquals(SliceLab.EXIT_BAD_INPUT, run.exitCode(), run.stderr());
    assertTrue(String.valueOf(run.json().get("error")).contains("'targets' pattern 'no.such"),
        run.stdout());
    run = SweepTestSupport.cli("premises", "--ranks", "1,100000", "--out", out.toString());
    assertEquals(SliceLab.EXIT_BAD_INPUT, run.exitCode(), run.stderr());
    assertTrue(String.valueOf(run.json().get("error")).contains("'ranks' value 100000"),
        run.stdout());
    run = SweepTestSupport.cli("premises", "--torch-threads", "-1", "--out", out.toString());
    assertEquals(SliceLab.EXIT_BAD_INPUT, run.exitCode(), run.stderr());
    assertTrue(String.valueOf(run.json().get("error")).contains("'--torch-threads' = -1"),
        run.stdout());
    assertFalse(Files.exists(out.resolve("balance")), "nothing was written");
  }
}
