package org.slicelab.ablations.premises;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Random;
import java.util.Set;

/**
 * Where slices of rank r start along an axis of {@code units} units: {@code evenly} evenly spaced
 * starts {@code round(k (units - r) / (evenly - 1))}, k = 0..evenly-1 (the first and the last
 * window included), then {@code random} further starts drawn uniformly from the starts not yet
 * taken, with {@code seed}. Duplicates are dropped, so a short axis has fewer positions.
 *
 * @param starts every start, evenly spaced ones first
 * @param evenlySpaced how many of {@code starts} are the evenly spaced ones
 */
public record SlicePositions(int[] starts, int evenlySpaced) {

  /** The positions of rank {@code rank} on an axis of {@code units} units. */
  public static SlicePositions of(int units, int rank, int evenly, int random, long seed) {
    if (rank < 1 || rank > units) {
      throw new IllegalArgumentException("option 'ranks' value " + rank
          + " is invalid: must be between 1 and the axis length " + units);
    }
    if (evenly < 1 || random < 0) {
      throw new IllegalArgumentException("option 'positions' must be at least 1 and 'random' "
          + "at least 0, got " + evenly + " and " + random);
    }
    int last = units - rank;
    Set<Integer> chosen = new LinkedHashSet<>();
    for (int k = 0; k < evenly; k++) {
      chosen.add(evenly == 1 ? 0 : (int) Math.round((double) k * last / (evenly - 1)));
    }
    int even = chosen.size();
    Random rng = new Random(seed * 31 + units * 7919L + rank);
    while (chosen.size() < Math.min(even + random, last + 1)) {
      chosen.add(rng.nextInt(last + 1));
    }
    return new SlicePositions(chosen.stream().mapToInt(Integer::intValue).toArray(), even);
  }

  /** "even" or "random": how the start at index {@code i} was chosen. */
  public String kind(int i) {
    return i < evenlySpaced ? "even" : "random";
  }

  @Override
  public String toString() {
    return Arrays.toString(starts);
  }
}
