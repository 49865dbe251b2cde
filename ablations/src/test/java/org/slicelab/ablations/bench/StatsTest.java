package org.slicelab.ablations.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.slicelab.ablations.train.EncodedDataset;

class StatsTest {

  @Test
  void quartilesInterpolateLikeNumpy() {
    Stats s = Stats.of(new double[] {4, 1, 3, 2});
    assertEquals(2.5, s.median(), 1e-12);
    assertEquals(1.75, s.q1(), 1e-12);   // numpy.percentile([1,2,3,4], 25)
    assertEquals(3.25, s.q3(), 1e-12);
    assertEquals(1.5, s.iqr(), 1e-12);
    assertEquals(1, s.min());
    assertEquals(4, s.max());
    assertEquals(2.5, s.mean(), 1e-12);
  }

  @Test
  void oddCountsAndOutliers() {
    Stats s = Stats.of(List.of(5.0, 1.0, 3.0));
    assertEquals(3, s.median());
    assertEquals(2, s.q1());
    assertEquals(4, s.q3());
    // one slow outlier moves the mean, not the median
    Stats noisy = Stats.of(new double[] {10, 10, 10, 10, 100});
    assertEquals(10, noisy.median());
    assertEquals(0, noisy.iqr());
    assertEquals(28, noisy.mean(), 1e-12);
  }

  @Test
  void emptyAndSingle() {
    assertTrue(Double.isNaN(Stats.of(new double[0]).median()));
    Stats one = Stats.of(new double[] {7});
    assertEquals(7, one.median());
    assertEquals(0, one.iqr());
  }

  @Test
  void batchesReachMaxLenWhenAnyTextDoes() {
    int n = 12;
    int len = 8;
    long[][] ids = new long[n][len];
    long[][] mask = new long[n][len];
    long[][] types = new long[n][len];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      int real = i % 4 == 0 ? len : 3;   // 3 texts fill all 8 positions
      for (int j = 0; j < real; j++) {
        ids[i][j] = 5;
        mask[i][j] = 1;
      }
      labels[i] = i % 2;
    }
    EncodedDataset pool = new EncodedDataset(ids, mask, types, labels);
    BenchData data = BenchData.select(pool, 4, 5, 1);
    assertEquals(len, data.effectiveLen());
    assertEquals(3, data.fullLengthTexts());
    for (var b : data.batches()) {
      assertEquals(4, b.size());
      assertEquals(len, BenchData.width((EncodedDataset) b));
    }
    // no full-length text: the width actually used is reported
    for (int i = 0; i < n; i += 4) {
      mask[i][len - 1] = 0;
      mask[i][len - 2] = 0;
    }
    assertEquals(6, BenchData.select(pool, 4, 2, 1).effectiveLen());
  }
}
