package org.slicelab.ablations.select;

import ai.djl.ndarray.NDManager;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slicelab.ablations.method.MaskedFullFineTuning;
import org.slicelab.ablations.testing.TempCacheDir;
import org.slicelab.ablations.testing.TinyModels;
import org.slicelab.ablations.testing.TrialContexts;
import org.slicelab.ablations.train.Autograd;
import org.slicelab.ablations.trial.TrialSpec;

/**
 * Masks cached by earlier versions stay valid: {@code lth-fd2c7b36....bin} was written by the
 * single-class {@code LotteryTicketMasks} of commit 5e262cc (before the split into pruning, file
 * format and artifact cache) for the tiny request below. Today's code must give it the same file
 * name, read it, write it back byte for byte, and compute the same mask.
 */
class MaskSummaryFormatTest {
  private static final String OLD_FILE = "lth-fd2c7b361483ae48972996188847aa2c.bin";
  private static final List<String> LAYERS = List.of("encoder.layer.0.attention.self.query",
      "encoder.layer.0.intermediate.dense", "encoder.layer.1.attention.self.query",
      "encoder.layer.1.intermediate.dense", "classifier");
  private static final TrialSpec SPEC = TrialSpec.builder().method("slicefine").rank(2)
      .selector("lth:good").seed(1).epochs(1).batchSize(8).trainSize(16)
      .targets("attention.self.query,intermediate.dense").set("lth_rounds", 2)
      .set("lth_sparsity", 0.5).build();

  @RegisterExtension
  static final TempCacheDir CACHE = new TempCacheDir();

  private static SelectionData data() {
    return TrialContexts.data(SPEC, TinyModels.weights(TinyModels.CONFIG, 3),
        TinyModels.data(16, 12, 5), "tiny-golden");
  }

  private static String key() {
    return LotteryTicketMasks.Settings.of(TrialContexts.selection(SPEC, null, data()),
        MaskedFullFineTuning.LOTTERY_TICKET_ROUNDS.learningRate(), LAYERS, 2).key();
  }

  private static byte[] oldFile() throws Exception {
    try (InputStream in = MaskSummaryFormatTest.class.getResourceAsStream(OLD_FILE)) {
      return in.readAllBytes();
    }
  }

  @Test
  void aFileOfTheOldCodeKeepsItsNameAndReadsAndWritesBackIdentically() throws Exception {
    LotteryTicketMasks.Settings settings = LotteryTicketMasks.Settings.of(
        TrialContexts.selection(SPEC, null, data()),
        MaskedFullFineTuning.LOTTERY_TICKET_ROUNDS.learningRate(), LAYERS, 2);
    assertEquals(OLD_FILE, LotteryTicketMasks.cachePath(settings).getFileName().toString());
    byte[] old = oldFile();
    MaskSummaryFormat format = new MaskSummaryFormat();
    MaskSummary summary = format.read(key(), new ByteArrayInputStream(old));
    assertNotNull(summary, "the old file is read for its key");
    assertEquals(LAYERS, List.copyOf(summary.layers().keySet()));
    assertEquals(2L * (16 * 16 + 32 * 16) + 2 * 16, summary.totalEntries());
    assertEquals(784, summary.keptEntries());
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    format.write(key(), summary, again);
    assertArrayEquals(old, again.toByteArray());
    assertNull(format.read(key().replace("seed=1", "seed=9"), new ByteArrayInputStream(old)),
        "another key is not accepted");
  }

  @Test
  void aGpuMaskHasItsOwnKeyAndFileWhileCpuKeysStayAsTheyWere() {
    LotteryTicketMasks.Settings cpu = LotteryTicketMasks.Settings.of(
        TrialContexts.selection(SPEC, null, data()),
        MaskedFullFineTuning.LOTTERY_TICKET_ROUNDS.learningRate(), LAYERS, 2);
    assertEquals("cpu", cpu.deviceKind());
    assertFalse(cpu.key().contains("device"), cpu.key());
    LotteryTicketMasks.Settings gpu = new LotteryTicketMasks.Settings(cpu.taskKey(), cpu.seed(),
        cpu.dataSeed(), cpu.trainSize(), cpu.maxLen(), cpu.sparsity(), cpu.rounds(),
        cpu.epochs(), cpu.batchSize(), cpu.lr(), cpu.warmupFraction(), cpu.weightDecay(),
        cpu.gradClip(), cpu.layers(), cpu.numClasses(), "gpu");
    assertEquals(cpu.key() + "|device=gpu", gpu.key());
    assertNotEquals(LotteryTicketMasks.cachePath(cpu), LotteryTicketMasks.cachePath(gpu));
  }

  @Test
  void todaysPruningComputesTheSameMaskAsTheOldCode() throws Exception {
    MaskSummary old = new MaskSummaryFormat().read(key(), new ByteArrayInputStream(oldFile()));
    Autograd.ensureEngine();
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      MaskSummary fresh = LotteryTicketMasks.obtain(LAYERS, 2,
          TrialContexts.selection(SPEC, manager, data()));
      assertEquals(old.keptEntries(), fresh.keptEntries());
      for (Map.Entry<String, MaskSummary.LayerDensity> e : old.layers().entrySet()) {
        MaskSummary.LayerDensity was = e.getValue();
        MaskSummary.LayerDensity now = fresh.layers().get(e.getKey());
        assertArrayEquals(was.rowKept(), now.rowKept(), e.getKey());
        assertArrayEquals(was.colKept(), now.colKept(), e.getKey());
        assertArrayEquals(was.rowMagnitude(), now.rowMagnitude(), 1e-4f, e.getKey());
        assertArrayEquals(was.colMagnitude(), now.colMagnitude(), 1e-4f, e.getKey());
      }
      assertEquals(OLD_FILE, Files.list(CACHE.dir().resolve("lth-masks"))
          .map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".bin")).findFirst()
          .orElseThrow());
    }
  }
}
