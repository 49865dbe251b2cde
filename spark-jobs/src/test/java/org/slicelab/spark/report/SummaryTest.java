package org.slicelab.spark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SummaryTest {
  @Test
  void meanSampleStdAndStudentTInterval() {
    Summary s = Summary.of(0.90, 0.92, 0.94);
    assertEquals(3, s.n());
    assertEquals(0.92, s.mean(), 1e-12);
    assertEquals(0.02, s.std(), 1e-12, "sample std (n - 1)");
    // t(0.975, 2) = 4.302653; half-width = 4.302653 * 0.02 / sqrt(3)
    double half = 4.302653 * 0.02 / Math.sqrt(3);
    assertEquals(0.92 - half, s.ciLow(), 1e-6);
    assertEquals(0.92 + half, s.ciHigh(), 1e-6);
    assertTrue(s.hasInterval());
    assertEquals(half, s.halfWidth(), 1e-6);
  }

  @Test
  void tQuantilesMatchTables() {
    assertEquals(12.7062, Summary.tQuantile(0.975, 1), 1e-4);
    assertEquals(4.3027, Summary.tQuantile(0.975, 2), 1e-4);
    assertEquals(2.2622, Summary.tQuantile(0.975, 9), 1e-4);
    assertEquals(1.9600, Summary.tQuantile(0.975, 100_000), 1e-3);
  }

  @Test
  void oneValueHasNoStdAndNoInterval() {
    Summary s = Summary.of(0.8);
    assertEquals(1, s.n());
    assertEquals(0.8, s.mean(), 0);
    assertTrue(Double.isNaN(s.std()));
    assertTrue(Double.isNaN(s.ciLow()) && Double.isNaN(s.ciHigh()));
    assertFalse(s.hasInterval());
    assertTrue(Double.isNaN(Summary.of().mean()));
  }

  @Test
  void identicalValuesGiveAZeroWidthInterval() {
    Summary s = Summary.of(0.5, 0.5);
    assertEquals(0, s.std(), 0);
    assertEquals(0.5, s.ciLow(), 0);
    assertEquals(0.5, s.ciHigh(), 0);
  }

  @Test
  void widerLevelWidensTheInterval() {
    Summary s95 = Summary.atLevel(0.95, 1, 2, 3, 4);
    Summary s99 = Summary.atLevel(0.99, 1, 2, 3, 4);
    assertTrue(s99.halfWidth() > s95.halfWidth());
    Summary pts = s95.scaled(100);
    assertEquals(s95.mean() * 100, pts.mean(), 1e-9);
    assertEquals(s95.ciLow() * 100, pts.ciLow(), 1e-9);
  }
}
