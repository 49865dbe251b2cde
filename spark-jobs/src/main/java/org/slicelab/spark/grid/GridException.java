package org.slicelab.spark.grid;

import java.nio.file.Path;

/**
 * A grid file that cannot be used: missing, unparsable, an unknown key, a value of the wrong type
 * or out of range. The message names the file, the key path (with the line) and what is allowed,
 * so it can be fixed without reading code. Raised before Spark starts; nothing is written.
 */
public final class GridException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final String keyPath;

  /**
   * @param file the grid file
   * @param keyPath dotted key path ({@code panels.methods.axes.rank[1]}), or null for the file
   * @param line line number in the file, or -1 when unknown
   * @param problem what is wrong and what is allowed
   */
  public GridException(Path file, String keyPath, int line, String problem) {
    super(format(file, keyPath, line, problem));
    this.file = file;
    this.keyPath = keyPath;
  }

  /** Same, keeping the cause. */
  public GridException(Path file, String keyPath, int line, String problem, Throwable cause) {
    super(format(file, keyPath, line, problem), cause);
    this.file = file;
    this.keyPath = keyPath;
  }

  /** The grid file. */
  public Path file() {
    return file;
  }

  /** The key path, or null when the problem is with the file as a whole. */
  public String keyPath() {
    return keyPath;
  }

  private static String format(Path file, String keyPath, int line, String problem) {
    StringBuilder out = new StringBuilder("grid file ").append(file);
    if (line > 0) {
      out.append(':').append(line);
    }
    if (keyPath != null) {
      out.append(", key '").append(keyPath).append('\'');
    }
    return out.append(": ").append(problem).toString();
  }
}
