package org.slicelab.ablations.cache;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Puts a finished file in place so that readers see either the old file or the whole new one,
 * never a partial write: write to a temporary file in the same directory, then {@link #replace}.
 */
public final class AtomicFiles {
  private AtomicFiles() {
  }

  /**
   * Moves {@code from} onto {@code to}, replacing it; atomically where the file system supports
   * it (a plain replace elsewhere).
   */
  public static void replace(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
