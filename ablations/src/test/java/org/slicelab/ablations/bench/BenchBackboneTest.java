package org.slicelab.ablations.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.ablations.backbone.Backbones;

/**
 * {@code bench --backbone}: every method, the batches, the FLOP counts and the report follow the
 * chosen backbone. Runs on the tiny BERT checkpoint fixture of the ablations module (2 layers,
 * hidden 32) so that a whole benchmark takes seconds.
 */
class BenchBackboneTest {
  /** The ablations module's fixture, seen from this module's directory (Maven's working dir). */
  private static final String TINY = Path.of(
      "../ablations/src/test/resources/checkpoints/tiny-bert").toAbsolutePath().normalize()
      .toString();

  @Test
  void methodsAreBuiltOnTheChosenBackbone() {
    List<BenchMethod> methods = BenchMethod.parseList("full,lora_r8", 4, 16, "bge-small");
    methods.forEach(m -> assertEquals("bge-small", m.spec().backbone()));
    assertEquals(Backbones.DEFAULT, BenchMethod.parse("full", 4, 16).spec().backbone());
  }

  @Test
  void mismatchedBackboneAndPeerOnAnotherBackboneAreRejected() {
    List<BenchMethod> onBge = BenchMethod.parseList("full", 4, 16, "bge-small");
    IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class,
        () -> options(Backbones.DEFAULT, onBge, Path.of("out"), null));
    assertTrue(mismatch.getMessage().contains("'--backbone'"), mismatch.getMessage());
    IllegalArgumentException peer = assertThrows(IllegalArgumentException.class,
        () -> options("bge-small", onBge, Path.of("out"), Path.of("bin/slicelab-peer-bench")));
    assertTrue(peer.getMessage().contains("'--peer'"), peer.getMessage());
  }

  @Test
  void benchRunsOnACheckpointBackbone(@TempDir Path out) throws Exception {
    List<BenchMethod> methods = BenchMethod.parseList("full,slicefine_r2_row", 4, 16, TINY);
    BenchRunner.Result result = new BenchRunner(options(TINY, methods, out, null),
        System.err).run();
    BenchReport report = new BenchReport(result);
    report.write();
    // the tiny model has 2 layers of hidden 32: full fine-tuning trains far fewer than MiniLM's
    // 22.7 M scalars, and all of them (embeddings + encoder + head) are counted
    long full = result.trainable().get("full");
    assertTrue(full > 10_000 && full < 100_000, "trainable " + full);
    assertTrue(result.trainable().get("slicefine_r2_row") < full);
    assertEquals(TINY, report.summary().get("backbone"));
    String md = Files.readString(out.resolve("bench.md"));
    assertTrue(md.contains("backbone " + TINY + " (2 layers)"), md);
  }

  private static BenchOptions options(String backbone, List<BenchMethod> methods, Path out,
      Path peer) {
    return new BenchOptions(backbone, methods, 4, 16, 1, 0, out, List.of(), false, 1, false,
        false, 64, peer, null);
  }
}
