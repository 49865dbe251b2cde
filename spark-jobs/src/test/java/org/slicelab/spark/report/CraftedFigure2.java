package org.slicelab.spark.report;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.slicelab.ablations.backbone.Backbones;
import org.slicelab.ablations.data.Datasets;
import org.slicelab.ablations.trial.TrialSpec;
import org.slicelab.spark.report.FrozenVerdicts.Frozen;
import org.slicelab.spark.sequential.SequentialState;

/**
 * A hand-made Figure 2 results set (no training) with every panel the paper claims are judged
 * on, seeds 1..n, and the design file of a sequential run, for the claims-table tests.
 */
public final class CraftedFigure2 {
  /** The grid name the results and the design record. */
  public static final String GRID = "figure2-crafted";

  private CraftedFigure2() {
  }

  /**
   * Writes ok trials of every Figure 2 panel for seeds 1..{@code seeds} into {@code out}. Test
   * accuracies: rank 1 &lt; 4 &gt; 16 by several points, the slices within a few tenths of a
   * point of each other, SIFT 0.5 points below full fine-tuning, head 10 points below; each
   * seed moves every configuration by a little, deterministically.
   */
  public static Path results(Path out, int seeds) {
    CraftedResults c = new CraftedResults(out, GRID);
    for (long s = 1; s <= seeds; s++) {
      double seedShift = 0.004 * ((s * 7) % 5 - 2);
      int i = 0;
      for (int r : new int[] {1, 4, 16}) {
        c.ok("rank", slice("rank", r, "seed", s), 0.84 + (r == 4 ? 0.06 : r == 16 ? 0.03 : 0)
            + seedShift + noise(s, i++), 0.85);
      }
      for (String mode : List.of("row", "column")) {
        for (double position : new double[] {0.0, 0.5}) {
          c.ok("position", slice("rank", 5, "mode", mode, "position", position, "seed", s),
              0.90 + seedShift + noise(s, i++), 0.9);
        }
      }
      for (String selector : List.of("wanda:most", "wanda:least")) {
        c.ok("wanda", slice("rank", 5, "selector", selector, "seed", s),
            0.90 + seedShift + noise(s, i++), 0.9);
      }
      for (String selector : List.of("lth:good", "lth:bad")) {
        c.ok("lth", slice("rank", 5, "selector", selector, "seed", s),
            0.90 + seedShift + noise(s, i++), 0.9);
      }
      c.ok("sift", CraftedResults.spec("method", "sift", "sift_rate", 0.01, "lr", 1e-3, "seed",
          s), 0.905 + seedShift + noise(s, i++), 0.9);
      c.ok("reference_full", CraftedResults.spec("method", "full", "lr", 5e-5, "seed", s),
          0.91 + seedShift + noise(s, i++), 0.91);
      c.ok("reference_head", CraftedResults.spec("method", "head", "lr", 5e-3, "seed", s),
          0.81 + seedShift + noise(s, i), 0.8);
    }
    c.commitPanels();
    return out;
  }

  /**
   * Writes the design file of a sequential run of {@link #GRID}: margin ±1, alpha 0.05, the
   * given seeds per look, seeds added in order 1, 2, ..., {@code completedLooks} looks done.
   */
  public static void design(Path out, int[] seedsAtLook, int completedLooks,
      FrozenVerdicts frozen) {
    List<Long> order = LongStream.rangeClosed(1,
        seedsAtLook[seedsAtLook.length - 1]).boxed().toList();
    new SequentialState(GRID, List.of(), 1.0, 0.05, seedsAtLook, order, completedLooks,
        List.of(), frozen).write(out.toString());
  }

  /** A frozen verdict of the default pair's claim {@code claimId} at ±1. */
  public static FrozenVerdicts frozen(String claimId, Frozen verdict) {
    return new FrozenVerdicts(Map.of(FrozenVerdicts.key(new Combination(Backbones.DEFAULT,
        Datasets.SPAM_ASSASSIN), claimId, 1.0), verdict));
  }

  private static TrialSpec slice(Object... kv) {
    Object[] all = new Object[kv.length + 4];
    all[0] = "method";
    all[1] = "slicefine";
    all[2] = "lr";
    all[3] = 5e-3;
    System.arraycopy(kv, 0, all, 4, kv.length);
    return CraftedResults.spec(all);
  }

  /** A deterministic shift of at most ±0.15 points per (seed, configuration). */
  private static double noise(long seed, int config) {
    return 0.0005 * ((seed * 31 + config * 17) % 7 - 3);
  }
}
