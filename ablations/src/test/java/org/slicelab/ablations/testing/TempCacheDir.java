package org.slicelab.ablations.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slicelab.ablations.cache.CacheDirs;

/**
 * Points the artifact cache ({@link CacheDirs#PROPERTY}) at a fresh temporary directory for the
 * tests of one class, then restores the previous value and deletes the directory. Register as
 * {@code @RegisterExtension static final TempCacheDir CACHE = new TempCacheDir();}.
 */
public final class TempCacheDir implements BeforeAllCallback, AfterAllCallback {
  private Path dir;
  private String previous;

  /** The cache directory (set while the class's tests run). */
  public Path dir() {
    return dir;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    dir = Files.createTempDirectory("slicelab-test-cache");
    previous = System.getProperty(CacheDirs.PROPERTY);
    System.setProperty(CacheDirs.PROPERTY, dir.toString());
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    if (previous == null) {
      System.clearProperty(CacheDirs.PROPERTY);
    } else {
      System.setProperty(CacheDirs.PROPERTY, previous);
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
