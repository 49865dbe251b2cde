package org.slicelab.ablations.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where SliceLab keeps what it fetches or derives once and reuses: the npm data package, the
 * extracted backbone files, lottery-ticket masks.
 *
 * <p>Root: system property {@value #PROPERTY}, else environment variable {@value #ENV}, else
 * {@code ~/.cache/slicelab}.
 */
public final class CacheDirs {
  /** System property naming the cache root. */
  public static final String PROPERTY = "slicelab.cache";
  /** Environment variable naming the cache root. */
  public static final String ENV = "SLICELAB_CACHE";

  private CacheDirs() {
  }

  /** The cache root (not created). */
  public static Path root() {
    String dir = System.getProperty(PROPERTY);
    if (dir == null || dir.isBlank()) {
      dir = System.getenv(ENV);
    }
    if (dir == null || dir.isBlank()) {
      return Path.of(System.getProperty("user.home"), ".cache", "slicelab");
    }
    return Path.of(dir);
  }

  /** A sub-directory of the root, created if missing. */
  public static Path dir(String name) {
    Path path = root().resolve(name);
    try {
      Files.createDirectories(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create cache directory " + path
          + " (set -D" + PROPERTY + " or $" + ENV + " to a writable directory)", e);
    }
    return path;
  }
}
