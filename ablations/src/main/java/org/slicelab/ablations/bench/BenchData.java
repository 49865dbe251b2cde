package org.slicelab.ablations.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.slicelab.ablations.model.Examples;
import org.slicelab.ablations.train.EncodedDataset;
import org.slicelab.ablations.trial.TrialResources;
import org.slicelab.ablations.trial.TrialSpec;

/**
 * The benchmark's batches, identical for every method: real training examples, encoded as the
 * trials encode them (their tokenization or image preprocessing, and their split).
 *
 * <p><b>Text</b>: SpamAssassin texts at fixed length. {@code EncodedDataset.toArrays} cuts
 * trailing columns that are padding in every row, so a batch of short texts would run at less
 * than {@code max_len}. Each batch is therefore built around at least one text whose tokens fill
 * all {@code max_len} positions (truncated long emails; plentiful at 128), and its other rows are
 * random training texts, so every step runs at exactly {@code max_len} (reported as
 * {@code effective_len}). If no text reaches {@code max_len}, the batches run at the longest
 * available width and the output says so.
 *
 * <p><b>Images</b>: random Fashion-MNIST training images ({@link BenchMethod#IMAGE_DATASET}),
 * resized to {@code image_size} and normalised as the network expects; every batch has the same
 * shape.
 *
 * @param batches the distinct batches; step i of any method uses {@code batches[i % size]}
 * @param shape what one example is, for reports ({@code "128 tokens"}, {@code "96 x 96 px"})
 * @param effectiveLen text: the sequence width the steps actually run at; images: 0
 * @param fullLengthTexts text: how many training texts reach {@code max_len}; images: 0
 * @param poolSize training examples drawn from
 * @param labelNames the data set's classes (the head has one output per class)
 */
public record BenchData(List<Examples> batches, String shape, int effectiveLen,
    int fullLengthTexts, int poolSize, List<String> labelNames) {

  /** Training examples encoded for the benchmark (a fixed pool, so every process agrees). */
  public static final int POOL = 256;

  /** Copies the lists. */
  public BenchData {
    batches = List.copyOf(batches);
    labelNames = List.copyOf(labelNames);
  }

  /**
   * Builds {@code count} batches of {@code batchSize} examples (seeded) for {@code backbone}:
   * texts tokenized to {@code maxLen}, or images at {@code imageSize}.
   */
  public static BenchData load(String backbone, int batchSize, int maxLen, int imageSize,
      int count, long seed) {
    TrialSpec spec = BenchMethod.dataSpec(backbone, batchSize, maxLen, imageSize)
        .trainSize(POOL).valSize(16).testSize(16).build();
    TrialResources.TaskData task = TrialResources.shared().taskData(spec);
    if (task.train() instanceof EncodedDataset texts) {
      return select(texts, batchSize, count, seed).withLabels(task.labelNames());
    }
    return images(task.train(), imageSize, batchSize, count, seed, task.labelNames());
  }

  /** Random batches of a pool of images (seeded). */
  static BenchData images(Examples pool, int imageSize, int batchSize, int count, long seed,
      List<String> labelNames) {
    checkPool(batchSize, pool.size());
    Random random = new Random(seed);
    List<Examples> batches = new ArrayList<>();
    for (int b = 0; b < count; b++) {
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < pool.size(); i++) {
        order.add(i);
      }
      Collections.shuffle(order, random);
      batches.add(pool.select(order.subList(0, batchSize).stream().mapToInt(Integer::intValue)
          .toArray()));
    }
    return new BenchData(batches, imageSize + " x " + imageSize + " px", 0, 0, pool.size(),
        labelNames);
  }

  private static void checkPool(int batchSize, int pool) {
    if (batchSize > pool) {
      throw new IllegalArgumentException("option '--batch-size' = " + batchSize
          + " is larger than the benchmark's pool of training examples (" + pool + ")");
    }
  }

  private BenchData withLabels(List<String> names) {
    return new BenchData(batches, shape, effectiveLen, fullLengthTexts, poolSize, names);
  }

  /** Picks the batches from {@code pool} (see the class comment). */
  public static BenchData select(EncodedDataset pool, int batchSize, int count, long seed) {
    checkPool(batchSize, pool.size());
    int maxLen = pool.maxLen();
    int longest = 0;
    int reachMax = 0;
    int[] lengths = new int[pool.size()];
    for (int i = 0; i < pool.size(); i++) {
      lengths[i] = length(pool.attentionMask()[i]);
      longest = Math.max(longest, lengths[i]);
      reachMax += lengths[i] == maxLen ? 1 : 0;
    }
    // anchors: the texts of the longest length (max_len whenever any text reaches it)
    List<Integer> full = new ArrayList<>();
    for (int i = 0; i < pool.size(); i++) {
      if (lengths[i] == longest) {
        full.add(i);
      }
    }
    Random random = new Random(seed);
    Collections.shuffle(full, random);
    List<Examples> batches = new ArrayList<>();
    int effective = 0;
    for (int b = 0; b < count; b++) {
      List<Integer> chosen = new ArrayList<>();
      chosen.add(full.get(b % full.size()));
      List<Integer> others = new ArrayList<>(pool.size());
      for (int i = 0; i < pool.size(); i++) {
        if (!chosen.contains(i)) {
          others.add(i);
        }
      }
      Collections.shuffle(others, random);
      chosen.addAll(others.subList(0, batchSize - chosen.size()));
      EncodedDataset batch = pool.select(chosen.stream().mapToInt(Integer::intValue).toArray());
      batches.add(batch);
      effective = Math.max(effective, width(batch));
    }
    return new BenchData(batches, effective + " tokens", effective, reachMax, pool.size(),
        List.of("ham", "spam"));
  }

  /** The batch for step {@code step}. */
  public Examples batch(int step) {
    return batches.get(Math.floorMod(step, batches.size()));
  }

  /** The width {@code toArrays} keeps: the last column with a real token in any row, plus 1. */
  static int width(EncodedDataset batch) {
    int w = 1;
    for (long[] row : batch.attentionMask()) {
      for (int j = row.length - 1; j >= w; j--) {
        if (row[j] != 0) {
          w = j + 1;
          break;
        }
      }
    }
    return w;
  }

  private static int length(long[] mask) {
    int n = 0;
    for (long m : mask) {
      n += (int) m;
    }
    return n;
  }
}
