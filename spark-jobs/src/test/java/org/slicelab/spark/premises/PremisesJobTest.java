package org.slicelab.spark.premises;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.ablations.trial.TrialSpec;
import org.slicelab.spark.cli.SliceLab;
import org.slicelab.spark.sweep.SweepTestSupport;

/**
 * {@code premises --pair ... --pair ...} on the embedded local master, tiny: one Spark task per
 * pair, each pair's partitions written and replaced on its own; {@code --grid} takes the pairs
 * and their data options from the grid's trials.
 */
class PremisesJobTest {
  @TempDir
  Path dir;

  private static String[] tiny(Path out, int nullDraws, String... pairs) {
    List<String> args = new java.util.ArrayList<>(List.of("premises", "--targets",
        "output.dense", "--train-size", "12", "--max-len", "8", "--ranks", "1", "--positions",
        "2", "--random-positions", "0", "--null-draws", String.valueOf(nullDraws), "--master",
        "local[2]", "--out", out.toString()));
    for (int i = 0; i < pairs.length; i += 2) {
      args.addAll(List.of("--pair", pairs[i], pairs[i + 1]));
    }
    return args.toArray(new String[0]);
  }

  @Test
  void eachPairIsOneTaskAndARerunOfOnePairReplacesOnlyItsPartitions() throws Exception {
    Path out = dir.resolve("premises");
    SweepTestSupport.CliRun run = SweepTestSupport.cli(tiny(out, 2, "all-minilm-l6-v2",
        "sentiment-sentences", "bge-small", "sentiment-sentences"));
    assertEquals(0, run.exitCode(), run.stderr());
    assertEquals("ok", run.json().get("status"));
    assertEquals(2, ((List<?>) run.json().get("pairs")).size());
    // rerun MiniLM alone with another null size: its partition is replaced, bge-small's stays
    run = SweepTestSupport.cli(tiny(out, 3, "all-minilm-l6-v2", "sentiment-sentences"));
    assertEquals(0, run.exitCode(), run.stderr());
    Map<String, List<Long>> draws = SweepTestSupport.withSpark(spark -> spark.read()
        .parquet(out.resolve("balance").toString()).collectAsList().stream()
        .collect(Collectors.groupingBy((Row r) -> (String) r.getAs("pair"),
            Collectors.mapping(r -> (Long) r.getAs("null_draws"), Collectors.toList()))));
    assertEquals(Map.of("all-minilm-l6-v2__sentiment-sentences", 3L,
        "bge-small__sentiment-sentences", 2L), draws.entrySet().stream().collect(
            Collectors.toMap(Map.Entry::getKey, e -> e.getValue().stream().distinct()
                .reduce((a, b) -> -1L).orElseThrow())));
    // MiniLM and bge-small have 6 and 12 output.dense layers: 2 axes x 1 rank x 2 inits each
    assertEquals(24, draws.get("all-minilm-l6-v2__sentiment-sentences").size());
    assertEquals(48, draws.get("bge-small__sentiment-sentences").size());
    assertTrue(!Files.exists(out.resolve("_staging")), "staging removed");
    String md = Files.readString(out.resolve(PremisesOutput.PREMISES_MD));
    assertTrue(md.contains("`all-minilm-l6-v2`") && md.contains("`bge-small`"), md);
    for (String pair : List.of("all-minilm-l6-v2__sentiment-sentences",
        "bge-small__sentiment-sentences")) {
      String own = Files.readString(out.resolve(pair).resolve(PremisesOutput.PREMISES_MD));
      for (String figure : PremisesFigures.FILES) {
        Path png = out.resolve(pair).resolve(figure);
        assertTrue(Files.size(png) > 1000, png + " drawn");
        assertTrue(own.contains("](" + figure + ")"), "the pair's file links its figure");
        assertTrue(md.contains("](" + pair + "/" + figure + ")"), "the index links it too");
      }
    }
  }

  @Test
  void conflictingPairOptionsAreBadInputBeforeAnyWork() {
    Path out = dir.resolve("bad");
    SweepTestSupport.CliRun run = SweepTestSupport.cli(tiny(out, 2, "all-minilm-l6-v2",
        "sentiment-sentences", "all-minilm-l6-v2", "sentiment-sentences"));
    assertEquals(SliceLab.EXIT_BAD_INPUT, run.exitCode(), run.stderr());
    assertTrue(String.valueOf(run.json().get("error")).contains("twice"), run.stdout());
    run = SweepTestSupport.cli("premises", "--backbone", "bge-small", "--pair",
        "all-minilm-l6-v2", "sentiment-sentences", "--out", out.toString());
    assertEquals(SliceLab.EXIT_BAD_INPUT, run.exitCode(), run.stderr());
    assertTrue(String.valueOf(run.json().get("error")).contains("'--backbone' cannot be"),
        run.stdout());
    assertTrue(!Files.exists(out.resolve("balance")), "nothing was written");
  }

  @Test
  void aGridGivesItsPairsWithTheDataOptionsOfTheirFirstTrial() {
    Path grid = SweepTestSupport.writeGrid(dir, "two.conf", """
        name = two
        defaults { train_size = 24, max_len = 16, seed = 3 }
        panels {
          a { fixed { method = head, dataset = sentiment-sentences } }
          b { fixed { method = head, backbone = bge-small, dataset = sentiment-sentences,
                      train_size = 40 } }
          c { fixed { method = full, dataset = sentiment-sentences, train_size = 99 } }
        }
        """);
    List<TrialSpec> specs = PairSpecs.fromGrid(grid, Map.of("batch_size", 4));
    assertEquals(2, specs.size());
    assertEquals("all-minilm-l6-v2", specs.get(0).backbone());
    assertEquals(24, specs.get(0).trainSize());
    assertEquals(16, specs.get(0).maxLen());
    assertEquals(3L, specs.get(0).seed());
    assertEquals(4, specs.get(0).batchSize());
    assertEquals("bge-small", specs.get(1).backbone());
    assertEquals(40, specs.get(1).trainSize());
  }
}
