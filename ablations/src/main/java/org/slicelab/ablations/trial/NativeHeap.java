package org.slicelab.ablations.trial;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;

/**
 * Hands the C allocator's cached free memory back to the kernel, once a trial has closed its
 * arrays. During a trial the allocator keeps freed activation buffers for the next step (no page
 * faults, no system time: {@code bin/slicelab-malloc.sh} sets tcmalloc's release rate to 0);
 * between trials this call keeps a long sweep's resident memory flat. It finds the allocator
 * by its exported symbols in the running process: tcmalloc ({@code
 * MallocExtension_ReleaseFreeMemory}), else glibc ({@code malloc_trim}); under any other
 * allocator it does nothing.
 */
public final class NativeHeap {
  /** The allocator whose release function was found, or "none". */
  public enum Allocator { TCMALLOC, GLIBC, NONE }

  private static final Function TCMALLOC_RELEASE = lookUp("MallocExtension_ReleaseFreeMemory");
  private static final Function GLIBC_TRIM = lookUp("malloc_trim");

  private NativeHeap() {
  }

  /** The allocator {@link #releaseFreeMemory()} talks to in this process. */
  public static Allocator allocator() {
    if (TCMALLOC_RELEASE != null) {
      return Allocator.TCMALLOC;
    }
    return GLIBC_TRIM != null ? Allocator.GLIBC : Allocator.NONE;
  }

  /**
   * Returns the allocator's free pages to the kernel; memory in use is untouched, so it is safe
   * while other trials run (they fault their next buffers in once). Returns the allocator used.
   */
  public static Allocator releaseFreeMemory() {
    Allocator allocator = allocator();
    switch (allocator) {
      case TCMALLOC -> TCMALLOC_RELEASE.invokeVoid(new Object[0]);
      case GLIBC -> GLIBC_TRIM.invokeInt(new Object[] {0L});
      default -> { }
    }
    return allocator;
  }

  private static Function lookUp(String symbol) {
    try {
      return NativeLibrary.getProcess().getFunction(symbol);
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return null;
    }
  }
}
