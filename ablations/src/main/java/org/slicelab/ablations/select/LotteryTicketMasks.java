package org.slicelab.ablations.select;

import java.nio.file.Path;
import java.util.List;
import org.slicelab.ablations.cache.ArtifactCache;
import org.slicelab.ablations.train.TrainingOptions;

/**
 * Lottery-ticket masks for {@code lth:} selectors: computed by {@link IterativeMagnitudePruning}
 * once per {@link Settings key}, summarised per row and column ({@link MaskSummary}), and kept in
 * an {@link ArtifactCache} ({@code CacheDirs.dir("lth-masks")/lth-<sha256(key)>.bin}, format
 * {@link MaskSummaryFormat}): in one JVM a key is computed once even when several trials ask at
 * once; across JVMs a lock file next to the cache file serialises the computation.
 *
 * <p>The fine-tuning of every round runs at the learning rate of the request's
 * {@link MaskedTraining} (the default of {@code method = full}, ours: the trial's {@code lr} is
 * the slice's rate, 20x too high for full fine-tuning) with the trial's epochs, batch size,
 * warm-up, weight decay, clipping and seed. The "targeted matrices" are the layers the selector
 * is asked about (the trial's targets, plus the head when {@code head = slice}; the head rewinds
 * to its seeded initial values).
 */
public final class LotteryTicketMasks {
  /** Version of the key string; bump it when the computation changes so old files are redone. */
  private static final int KEY_VERSION = 1;
  private static final System.Logger LOG = System.getLogger(LotteryTicketMasks.class.getName());
  private static final ArtifactCache<MaskSummary> CACHE =
      new ArtifactCache<>("lth-masks", "lth", ".bin", new MaskSummaryFormat());

  private LotteryTicketMasks() {
  }

  /**
   * Everything the mask depends on.
   *
   * @param taskKey backbone + data identity
   * @param seed trial seed (head init, shuffling)
   * @param dataSeed split seed
   * @param trainSize training examples
   * @param maxLen sequence length
   * @param sparsity target sparsity
   * @param rounds pruning rounds
   * @param epochs epochs per round
   * @param batchSize batch size
   * @param lr learning rate of the fine-tuning
   * @param warmupFraction warm-up share
   * @param weightDecay AdamW decay
   * @param gradClip clipping norm
   * @param layers targeted layer names
   * @param numClasses classes of the head
   * @param deviceKind {@code cpu} or {@code gpu}: the pruning's fine-tuning rounds run there, and
   *     GPU arithmetic differs from the CPU's, so a GPU mask is not a CPU mask
   */
  public record Settings(String taskKey, long seed, long dataSeed, int trainSize, int maxLen,
      double sparsity, int rounds, int epochs, int batchSize, double lr, double warmupFraction,
      double weightDecay, double gradClip, List<String> layers, int numClasses,
      String deviceKind) {

    /** The settings of a selection for {@code layers}, fine-tuned at {@code lr}. */
    public static Settings of(SelectionContext context, double lr, List<String> layers,
        int numClasses) {
      SelectionData data = context.data();
      SelectorSettings selection = context.selection();
      TrainingOptions training = context.training();
      return new Settings(data.taskKey(), training.seed(), data.dataSeed(), data.trainSize(),
          data.maxLen(), selection.lthSparsity(), selection.lthRounds(), training.epochs(),
          training.batchSize(), lr, training.warmupFraction(), training.weightDecay(),
          training.gradClip(), List.copyOf(layers), numClasses,
          context.manager() == null ? "cpu" : context.manager().getDevice().getDeviceType());
    }

    /**
     * The canonical key string (its SHA-256 names the cache file). The device kind enters it
     * only when it is not the CPU, so the keys and cache files of CPU masks stay as they were.
     */
    public String key() {
      return "lth-v" + KEY_VERSION + "|task=" + taskKey + "|seed=" + seed + "|data_seed="
          + dataSeed + "|train_size=" + trainSize + "|max_len=" + maxLen + "|sparsity="
          + sparsity + "|rounds=" + rounds + "|epochs=" + epochs + "|batch_size=" + batchSize
          + "|lr=" + lr + "|warmup=" + warmupFraction + "|weight_decay=" + weightDecay
          + "|grad_clip=" + gradClip + "|classes=" + numClasses + "|layers="
          + String.join(",", layers) + (deviceKind.equals("cpu") ? "" : "|device=" + deviceKind);
    }
  }

  /** How many masks this JVM has computed (cache misses that ran the pruning). */
  public static int computations() {
    return CACHE.computations();
  }

  /** How many masks this JVM has read from a cache file. */
  public static int fileLoads() {
    return CACHE.fileLoads();
  }

  /** Forgets masks held in memory (tests: forces the next request to read the file). */
  static void clearMemory() {
    CACHE.forgetMemory();
  }

  /** The cache file for {@code settings} (its directory is created). */
  public static Path cachePath(Settings settings) {
    return CACHE.path(settings.key());
  }

  /**
   * The mask summary for {@code layers} of this trial: from memory, else the cache file, else
   * computed (once per key in this JVM) and written to the cache.
   */
  public static MaskSummary obtain(List<String> layers, int numClasses,
      SelectionContext context) {
    Settings settings = Settings.of(context, context.maskedTraining().learningRate(), layers,
        numClasses);
    return CACHE.obtain(settings.key(), () -> {
      MaskSummary summary = IterativeMagnitudePruning.run(settings, context);
      LOG.log(System.Logger.Level.INFO, String.format(
          "lottery-ticket mask computed in %.1f s (sparsity %.4f, %d rounds); caching it as %s",
          summary.computeSeconds(), summary.sparsity(), settings.rounds(),
          cachePath(settings)));
      return summary;
    });
  }
}
