package org.slicelab.spark.results;

/**
 * A results directory is owned by another live run ({@link RunLock}). Bad input in the command
 * line's terms: nothing was run (exit status 2).
 */
public final class DirectoryBusyException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** With the message the user reads. */
  public DirectoryBusyException(String message) {
    super(message);
  }
}
