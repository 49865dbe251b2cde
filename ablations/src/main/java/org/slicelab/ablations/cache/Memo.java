package org.slicelab.ablations.cache;

import java.util.function.Supplier;

/**
 * A value computed on first use and kept: {@link #get()} runs the computation once, even when
 * threads ask at the same time (double-checked locking). A computation that throws is tried
 * again on the next call.
 *
 * @param <T> the value's type (the computation must not give null)
 */
public final class Memo<T> implements Supplier<T> {
  private final Supplier<T> compute;
  private volatile T value;

  /** A memo of {@code compute}. */
  public Memo(Supplier<T> compute) {
    this.compute = compute;
  }

  @Override
  public T get() {
    T v = value;
    if (v == null) {
      synchronized (this) {
        if (value == null) {
          value = compute.get();
        }
        v = value;
      }
    }
    return v;
  }
}
