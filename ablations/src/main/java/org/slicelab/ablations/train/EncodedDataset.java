package org.slicelab.ablations.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import org.slicelab.ablations.backbone.BertEncoder;
import org.slicelab.ablations.model.Examples;

/**
 * Tokenized examples ready for batching: token ids, attention masks and token types (each
 * [n, maxLen]) and integer labels. Plain Java arrays, so it can be cached per JVM or broadcast.
 */
public record EncodedDataset(long[][] inputIds, long[][] attentionMask, long[][] tokenTypeIds,
    int[] labels) implements Examples {

  @Override
  public int size() {
    return labels.length;
  }

  /** Sequence length. */
  public int maxLen() {
    return inputIds.length == 0 ? 0 : inputIds[0].length;
  }

  @Override
  public EncodedDataset select(int[] indices) {
    long[][] ids = new long[indices.length][];
    long[][] mask = new long[indices.length][];
    long[][] types = new long[indices.length][];
    int[] y = new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      ids[i] = inputIds[indices[i]];
      mask[i] = attentionMask[indices[i]];
      types[i] = tokenTypeIds[indices[i]];
      y[i] = labels[indices[i]];
    }
    return new EncodedDataset(ids, mask, types, y);
  }

  @Override
  public EncodedDataset range(int from, int to) {
    int[] idx = new int[to - from];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = from + i;
    }
    return select(idx);
  }

  /**
   * The batch as arrays in {@code manager}: input ids, attention mask, token types, labels.
   * Columns after the longest real sequence are cut off (they are padding everywhere); the mask
   * carries whether padding is left ({@link BertEncoder#markPadding}), known here on the host.
   */
  @Override
  public NDList toArrays(NDManager manager) {
    int width = 1;
    for (long[] row : attentionMask) {
      for (int j = row.length - 1; j >= width; j--) {
        if (row[j] != 0) {
          width = j + 1;
          break;
        }
      }
    }
    long[][] maskRows = cut(attentionMask, width);
    NDArray ids = manager.create(cut(inputIds, width));
    NDArray mask = BertEncoder.markPadding(manager.create(maskRows), hasZero(maskRows));
    NDArray types = manager.create(cut(tokenTypeIds, width));
    NDArray y = manager.create(labels);
    return new NDList(ids, mask, types, y);
  }

  private static boolean hasZero(long[][] rows) {
    for (long[] row : rows) {
      for (long value : row) {
        if (value == 0) {
          return true;
        }
      }
    }
    return false;
  }

  private static long[][] cut(long[][] rows, int width) {
    long[][] out = new long[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      out[i] = rows[i].length == width ? rows[i] : java.util.Arrays.copyOf(rows[i], width);
    }
    return out;
  }
}
