package org.slicelab.spark.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.ablations.trial.TrialSpec;
import org.slicelab.spark.sweep.SweepTestSupport;

class GridLoaderTest {
  private static final Path SMOKE = SweepTestSupport.ROOT.resolve("conf/grids/smoke.conf");

  @TempDir
  Path dir;

  @Test
  void smokeGridExpandsPanelsAndSharesTheCommonTrial() {
    Grid grid = GridLoader.load(SMOKE);
    assertEquals("smoke", grid.name());
    assertEquals(List.of("methods", "slice_rank"),
        grid.panels().stream().map(Panel::name).toList());
    assertEquals(3, grid.panels().get(0).trials().size());
    assertEquals(2, grid.panels().get(1).trials().size());
    assertEquals(4, grid.trials().size(), "slicefine rank 2 is in both panels and runs once");
    PlannedTrial shared = grid.trials().stream()
        .filter(t -> t.spec().method().equals("slicefine") && t.spec().get("rank").equals(2))
        .findFirst().orElseThrow();
    assertEquals(List.of("methods", "slice_rank"), shared.panels());
    for (PlannedTrial t : grid.trials()) {
      assertEquals(16, t.spec().trainSize());
      assertEquals(32, t.spec().maxLen());
      assertEquals(1, t.spec().epochs());
      assertEquals(8, t.spec().batchSize());
    }
    assertEquals(List.of("method", "rank"), grid.varyingFields());
    assertEquals(List.of("head", "full", "slicefine"), grid.panels().get(0).trials().stream()
        .map(TrialSpec::method).toList(), "axes expand in file order");
  }

  @Test
  void everyShippedGridLoadsAndTheFigure2GridsShareOneProtocol() throws Exception {
    Path grids = SweepTestSupport.ROOT.resolve("conf/grids");
    try (var files = Files.list(grids)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".conf")).toList()) {
        assertFalse(GridLoader.load(file).trials().isEmpty(), file + " has no trials");
      }
    }
    Grid full = GridLoader.load(grids.resolve("figure2.conf"));
    Grid quick = GridLoader.load(grids.resolve("figure2-quick.conf"));
    assertEquals(full.panels().stream().map(Panel::name).sorted().toList(),
        quick.panels().stream().map(Panel::name).sorted().toList(), "same panels");
    for (Grid grid : List.of(full, quick)) {
      for (PlannedTrial t : grid.trials()) {
        assertEquals(List.of(160, 3, 64), List.of(t.spec().trainSize(), t.spec().epochs(),
            t.spec().maxLen()), grid.name() + ": training protocol");
      }
    }
    assertEquals(List.of(1, 2, 3), full.trials().stream().map(t -> (int) t.spec().seed())
        .distinct().sorted().toList());
  }

  @Test
  void seedsAliasPrecedenceAndProductOrder() {
    Path file = SweepTestSupport.writeGrid(dir, "g.conf", "name = g\n"
        + "defaults { train_size = 16, max_len = 32, epochs = 2, lr = 1 }\n"
        + "panels {\n"
        + "  p {\n"
        + "    fixed { method = slicefine, epochs = 1, position = 0.5 }\n"
        + "    axes {\n"
        + "      rank = [4, 2]\n"
        + "      seeds = [3, 1]\n"
        + "    }\n"
        + "  }\n"
        + "  single { fixed { method = head } }\n"
        + "}\n");
    Grid grid = GridLoader.load(file);
    List<TrialSpec> p = grid.panels().get(0).trials();
    assertEquals(List.of("4/3", "4/1", "2/3", "2/1"),
        p.stream().map(s -> s.get("rank") + "/" + s.seed()).toList(), "last axis fastest");
    assertEquals(1, p.get(0).epochs(), "fixed overrides defaults");
    assertEquals(1.0, p.get(0).lr(), "an integer literal is accepted for a number option");
    assertEquals("0.5", p.get(0).get("position"));
    assertEquals(1, grid.panels().get(1).trials().size(), "a panel without axes is one trial");
    assertEquals(5, grid.trials().size());
  }

  @Test
  void unknownKeysAreRejectedWithPathAndAllowedKeys() {
    GridException top = fails("name = g\nnmae = x\npanels { p { } }\n");
    assertMessage(top, "key 'nmae'", "allowed: defaults, description, name, panels");
    GridException panel = fails("name = g\npanels { p { fixd { method = head } } }\n");
    assertMessage(panel, "key 'panels.p.fixd'", "did you mean 'fixed'", "allowed: axes");
    GridException option = fails("name = g\npanels { p { fixed { methd = head } } }\n");
    assertMessage(option, "key 'panels.p.fixed.methd'", "did you mean 'method'", "train_size");
    GridException axis = fails("name = g\npanels { p { axes { ranks = [1] } } }\n");
    assertMessage(axis, "key 'panels.p.axes.ranks'", "did you mean 'rank'", "seeds");
  }

  @Test
  void wrongTypesAreRejected() {
    assertMessage(fails("name = g\ndefaults { train_size = \"16\" }\npanels { p { } }\n"),
        "key 'defaults.train_size'", ":2", "got the string \"16\"", "allowed: an integer");
    assertMessage(fails("name = g\npanels { p { axes { epochs = [1, 2.5] } } }\n"),
        "key 'panels.p.axes.epochs[1]'", "allowed: an integer");
    assertMessage(fails("name = g\npanels { p { fixed { bias = 1 } } }\n"),
        "key 'panels.p.fixed.bias'", "allowed: true or false");
    assertMessage(fails("name = g\npanels { p { fixed { method = 3 } } }\n"),
        "key 'panels.p.fixed.method'", "allowed: a string (one of [head, full, slicefine");
    assertMessage(fails("name = g\npanels { p { axes { rank = 4 } } }\n"),
        "key 'panels.p.axes.rank'", "an axis must be a list");
    assertMessage(fails("name = 7\npanels { p { } }\n"), "key 'name'", "allowed: a name");
  }

  @Test
  void outOfRangeValuesNameTheAxisEntry() {
    GridException rank = fails("name = g\n" + SweepTestSupport.TINY
        + "panels {\n  p {\n    fixed { method = slicefine }\n    axes { rank = [2, 5000] }\n"
        + "  }\n}\n");
    assertMessage(rank, "key 'panels.p.axes.rank[1]'", "g.conf:6", "trial option 'rank' = 5000",
        "must be at most", "(trial rank=5000)");
    GridException method = fails("name = g\npanels { p { axes { method = [head, ful] } } }\n");
    assertMessage(method, "key 'panels.p.axes.method[1]'", "one of [head, full");
    GridException size = fails("name = g\ndefaults { train_size = 0 }\npanels { p { } }\n");
    assertMessage(size, "key 'defaults.train_size'", "must be an integer > 0");
    GridException data = fails("name = g\npanels { p { fixed { test_size = 10000000 } } }\n");
    assertMessage(data, "key 'panels.p.fixed.test_size'", "must be at most");
  }

  @Test
  void backboneAndDatasetAreAxesWithCanonicalValues() {
    Path file = SweepTestSupport.writeGrid(dir, "u.conf", "name = u\n" + SweepTestSupport.TINY
        + "panels { p {\n  fixed { method = head }\n"
        + "  axes { backbone = [minilm, bge-small], dataset = [spam-assassin, "
        + "\"sentiment-sentences?train=amazon,imdb&test=yelp\"] }\n} }\n");
    Grid grid = GridLoader.load(file);
    assertEquals(4, grid.trials().size());
    assertEquals(List.of("all-minilm-l6-v2", "all-minilm-l6-v2", "bge-small", "bge-small"),
        grid.trials().stream().map(t -> t.spec().backbone()).toList(), "alias normalised");
    assertEquals("sentiment-sentences?test=yelp&train=amazon,imdb",
        grid.trials().get(1).spec().dataset(), "options sorted");
    assertEquals(List.of("backbone", "dataset"), grid.varyingFields());
    // an axis value equal to the default gives the id of a spec that never named it
    TrialSpec plain = TrialSpec.builder().method("head").trainSize(16).valSize(16).testSize(16)
        .maxLen(32).epochs(1).batchSize(8).build();
    assertEquals(plain.trialId(), grid.trials().get(0).spec().trialId());
  }

  @Test
  void badBackboneAndDatasetAxisValuesNameTheEntryAndTheAllowedForms() {
    GridException backbone = fails("name = g\npanels { p { fixed { method = head }, "
        + "axes { backbone = [minilm, gpt2] } } }\n");
    assertMessage(backbone, "key 'panels.p.axes.backbone[1]'", "'gpt2'", "bge-small",
        "e5-small", "checkpoint directory");
    GridException missing = fails("name = g\npanels { p { axes { backbone = [\""
        + dir.resolve("no-such-checkpoint") + "\"] } } }\n");
    assertMessage(missing, "key 'panels.p.axes.backbone[0]'", "no-such-checkpoint",
        "is not a directory");
    GridException dataset = fails("name = g\npanels { p { axes { dataset = "
        + "[spam-assassin, imdb] } } }\n");
    assertMessage(dataset, "key 'panels.p.axes.dataset[1]'", "'imdb'", "sentiment-sentences",
        "CSV/TSV/JSONL/Parquet");
    GridException option = fails("name = g\npanels { p { axes { dataset = "
        + "[\"sentiment-sentences?domain=imdb\"] } } }\n");
    assertMessage(option, "key 'panels.p.axes.dataset[0]'", "unknown option 'domain'",
        "train, test");
    GridException missingFile = fails("name = g\npanels { p { axes { dataset = [\""
        + dir.resolve("none.csv") + "\"] } } }\n");
    assertMessage(missingFile, "key 'panels.p.axes.dataset[0]'", "none.csv");
  }

  @Test
  void emptyAxesAndStructuralMistakesAreRejected() {
    assertMessage(fails("name = g\npanels { p { axes { seeds = [] } } }\n"),
        "key 'panels.p.axes.seeds'", "empty axis", "allowed: a list of at least one integer");
    assertMessage(fails("name = g\npanels { }\n"), "key 'panels'", "no panels");
    assertMessage(fails("name = g\n"), "key 'panels'", "missing required key");
    assertMessage(fails("panels { p { } }\n"), "key 'name'", "missing required key");
    assertMessage(fails("name = g\npanels { p { fixed { rank = 2 }, axes { rank = [1, 2] } } }\n"),
        "key 'panels.p.axes.rank'", "both fixed");
    assertMessage(fails("name = g\npanels { p { axes { seed = [1], seeds = [2] } } }\n"),
        "'seed' and its alias 'seeds'");
    assertMessage(fails("name = g\npanels { p { axes { seed = [1, 1] } } }\n"),
        "key 'panels.p.axes.seed[1]'", "duplicate value 1");
    assertMessage(fails("name = g\npanels { p { \n"), "not valid HOCON");
  }

  @Test
  void missingFileIsReported() {
    Path missing = dir.resolve("nope.conf");
    GridException e = assertThrows(GridException.class, () -> GridLoader.load(missing));
    assertMessage(e, missing.toString(), "file not found");
  }

  @Test
  void badGridsFailTheCommandBeforeWritingAnything() {
    Map<String, String> bad = Map.of(
        "unknown.conf", "name = g\npanels { p { fixed { methd = head } } }\n",
        "type.conf", "name = g\npanels { p { fixed { epochs = \"one\" } } }\n",
        "rank.conf", "name = g\npanels { p { fixed { method = lora }, axes { rank = [9999] } } }\n",
        "empty.conf", "name = g\npanels { p { axes { method = [] } } }\n");
    Map<String, String> expected = Map.of("unknown.conf", "panels.p.fixed.methd",
        "type.conf", "panels.p.fixed.epochs", "rank.conf", "panels.p.axes.rank[0]",
        "empty.conf", "empty axis");
    for (Map.Entry<String, String> entry : bad.entrySet()) {
      Path grid = SweepTestSupport.writeGrid(dir, entry.getKey(), entry.getValue());
      Path out = dir.resolve("out-" + entry.getKey());
      SweepTestSupport.CliRun run = SweepTestSupport.cli("sweep", "--grid", grid.toString(),
          "--out", out.toString(), "--master", "local[1]");
      assertEquals(2, run.exitCode(), entry.getKey() + ": " + run.stderr());
      assertEquals("error", run.json().get("status"));
      String error = (String) run.json().get("error");
      assertTrue(error.contains(grid.toString()) && error.contains(expected.get(entry.getKey())),
          entry.getKey() + ": " + error);
      assertFalse(Files.exists(out), entry.getKey() + ": nothing may be written");
    }
    Path out = dir.resolve("out-missing");
    SweepTestSupport.CliRun run = SweepTestSupport.cli("sweep", "--grid",
        dir.resolve("missing.conf").toString(), "--out", out.toString());
    assertEquals(2, run.exitCode());
    assertTrue(((String) run.json().get("error")).contains("file not found"));
    assertFalse(Files.exists(out));
  }

  private GridException fails(String text) {
    Path file = SweepTestSupport.writeGrid(dir, "g.conf", text);
    return assertThrows(GridException.class, () -> GridLoader.load(file));
  }

  private static void assertMessage(Throwable e, String... parts) {
    String message = e.getMessage();
    List<String> missing = List.of(parts).stream().filter(p -> !message.contains(p))
        .collect(Collectors.toList());
    assertTrue(missing.isEmpty(), "message lacks " + missing + ": " + message);
    assertTrue(message.startsWith("grid file "), message);
  }
}
