package org.slicelab.ablations.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.slicelab.ablations.train.EncodedDataset;
import org.slicelab.ablations.trial.TrialResources;
import org.slicelab.ablations.trial.TrialSpec;

/**
 * The benchmark's batches: real tokenized SpamAssassin training texts (the trials' own
 * tokenization and split), identical for every method.
 *
 * <p>Fixed length: {@code EncodedDataset.toArrays} cuts trailing columns that are padding in
 * every row, so a batch of short texts would run at less than {@code max_len}. Each batch is
 * therefore built around at least one text whose tokens fill all {@code max_len} positions
 * (truncated long emails; plentiful at 128), and its other rows are random training texts, so
 * every step runs at exactly {@code max_len} (reported as {@code effective_len}). If no text
 * reaches {@code max_len}, the batches run at the longest available width and the output says
 * so.
 *
 * @param batches the distinct batches; step i of any method uses {@code batches[i % size]}
 * @param effectiveLen the sequence width the steps actually run at
 * @param fullLengthTexts how many training texts reach {@code max_len}
 * @param poolSize training texts drawn from
 */
public record BenchData(List<EncodedDataset> batches, int effectiveLen, int fullLengthTexts,
    int poolSize) {

  /** Training texts tokenized for the benchmark (a fixed pool, so every process agrees). */
  public static final int POOL = 256;

  /**
   * Builds {@code count} batches of {@code batchSize} texts at {@code maxLen} (seeded), tokenized
   * by {@code backbone}'s tokenizer.
   */
  public static BenchData load(String backbone, int batchSize, int maxLen, int count,
      long seed) {
    TrialSpec spec = TrialSpec.builder().backbone(backbone).trainSize(POOL).valSize(16)
        .testSize(16).maxLen(maxLen).batchSize(batchSize).build();
    EncodedDataset pool = (EncodedDataset) TrialResources.shared().taskData(spec).train();
    return select(pool, batchSize, count, seed);
  }

  /** Picks the batches from {@code pool} (see the class comment). */
  public static BenchData select(EncodedDataset pool, int batchSize, int count, long seed) {
    if (batchSize > pool.size()) {
      throw new IllegalArgumentException("option '--batch-size' = " + batchSize
          + " is larger than the benchmark's text pool (" + pool.size() + ")");
    }
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
    List<EncodedDataset> batches = new ArrayList<>();
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
    return new BenchData(List.copyOf(batches), effective, reachMax, pool.size());
  }

  /** The batch for step {@code step}. */
  public EncodedDataset batch(int step) {
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
