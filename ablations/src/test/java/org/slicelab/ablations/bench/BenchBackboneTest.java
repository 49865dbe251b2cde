package org.slicelab.ablations.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.ablations.backbone.Backbones;
import org.slicelab.ablations.backbone.vision.TinyKerasModel;

/**
 * {@code bench --backbone}: every method, the batches, the FLOP counts and the report follow the
 * chosen backbone. Runs on the tiny BERT checkpoint fixture of the ablations module (2 layers,
 * hidden 32) and on a tiny Keras image model (3 convolutions, Fashion-MNIST images at 16 px) so
 * that a whole benchmark takes seconds.
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

  @Test
  void benchRunsOnAnImageBackbone(@TempDir Path out) throws Exception {
    String model = TinyKerasModel.standard().write(out.resolve("model"), false).toString();
    BenchMethod.Standard standard = BenchMethod.standard(4, 16, 16, model);
    // 4 filters and 3 input channels: ranks 5 and 8 and LoRA r8 do not fit
    assertEquals(List.of("head", "full", "slicefine_r1_row", "slicefine_r1_column", "sift_1pct"),
        standard.methods().stream().map(BenchMethod::label).toList());
    assertTrue(standard.omitted().get("slicefine_r5_column").contains("'rank' = 5"),
        standard.omitted().toString());
    List<BenchMethod> methods = BenchMethod.parseList("head,full,slicefine_r2_row,lora_r2", 4,
        16, 16, model);
    methods.forEach(m -> assertEquals(BenchMethod.IMAGE_DATASET, m.spec().dataset()));
    BenchOptions options = new BenchOptions(model, methods, 4, 16, 16, 1, 0, out.resolve("bench"),
        List.of(), false, 1, true, false, 64, null, null);
    BenchReport report = new BenchReport(new BenchRunner(options, System.err).run());
    report.write();
    Map<String, Object> full = report.methodRows().get(1);
    assertEquals("full", full.get("method"));
    assertEquals(16, full.get("image_size"));
    // kernels, bias, batch-norm shift and the 10-class head on 4 features
    assertEquals(3 * 3 * 3 * 4 + 4 + 3 * 3 * 4 + 4 + 4 * 4 + 4 + 10 * 4 + 10,
        ((Number) full.get("trainable_params")).longValue());
    assertTrue(((Number) full.get("flops_total")).longValue() > 0);
    assertEquals(null, full.get("gemm_floor_ms"));
    assertTrue(((Number) full.get("merged_model_bytes")).longValue() > 0);
    String md = Files.readString(out.resolve("bench/bench.md"));
    assertTrue(md.contains("(3 convolutions), batch 4, images 16 x 16 px"), md);
    assertTrue(md.contains("GEMM floor is n/a"), md);
  }

  private static BenchOptions options(String backbone, List<BenchMethod> methods, Path out,
      Path peer) {
    return new BenchOptions(backbone, methods, 4, 16, 96, 1, 0, out, List.of(), false, 1, false,
        false, 64, peer, null);
  }
}
