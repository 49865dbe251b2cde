package org.slicelab.ablations.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The computed-artifact cache: memory, file, lock, atomic write, recomputation of bad files. */
class ArtifactCacheTest {
  /** Stores "key\nvalue"; a file of another key reads as null. */
  private static final ArtifactCache.Format<String> TEXT = new ArtifactCache.Format<>() {
    @Override
    public void write(String key, String value, OutputStream out) throws IOException {
      out.write((key + "\n" + value).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String read(String key, InputStream in) throws IOException {
      String[] parts = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", 2);
      return parts.length == 2 && parts[0].equals(key) ? parts[1] : null;
    }
  };

  @TempDir
  Path root;
  private String previousRoot;
  private ArtifactCache<String> cache;

  @BeforeEach
  void setUp() {
    previousRoot = System.getProperty(CacheDirs.PROPERTY);
    System.setProperty(CacheDirs.PROPERTY, root.toString());
    cache = new ArtifactCache<>("things", "thing", ".txt", TEXT);
  }

  @AfterEach
  void tearDown() {
    if (previousRoot == null) {
      System.clearProperty(CacheDirs.PROPERTY);
    } else {
      System.setProperty(CacheDirs.PROPERTY, previousRoot);
    }
  }

  @Test
  void fileNameIsPrefixPlusTheFirst32HexDigitsOfTheKeysSha256() {
    // sha256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
    assertEquals("thing-ba7816bf8f01cfea414140de5dae2223.txt", cache.fileName("abc"));
    assertEquals(root.resolve("things").resolve("thing-ba7816bf8f01cfea414140de5dae2223.txt"),
        cache.path("abc"));
  }

  @Test
  void computesOnceThenServesFromMemoryThenFromTheFile() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    assertEquals("v1", cache.obtain("k", () -> "v" + runs.incrementAndGet()));
    assertEquals("v1", cache.obtain("k", () -> "v" + runs.incrementAndGet()));
    assertEquals(1, runs.get());
    assertEquals(1, cache.computations());
    assertEquals(0, cache.fileLoads());
    assertEquals("k\nv1", Files.readString(cache.path("k")));

    cache.forgetMemory();
    assertEquals("v1", cache.obtain("k", () -> "v" + runs.incrementAndGet()));
    assertEquals(1, runs.get(), "read from the file, not recomputed");
    assertEquals(1, cache.fileLoads());

    // another cache object (another JVM, in effect) finds the file too
    ArtifactCache<String> other = new ArtifactCache<>("things", "thing", ".txt", TEXT);
    assertEquals("v1", other.obtain("k", () -> "never"));
    assertEquals(0, other.computations());
    try (var files = Files.list(cache.path("k").getParent())) {
      assertFalse(files.anyMatch(p -> p.toString().endsWith(".tmp")), "no temp files left");
    }
  }

  @Test
  void aFileOfAnotherKeyOrFormatIsRecomputedAndReplaced() throws Exception {
    Files.writeString(cache.path("k"), "someone else's key\nstale");
    assertEquals("fresh", cache.obtain("k", () -> "fresh"));
    assertEquals(1, cache.computations());
    assertEquals("k\nfresh", Files.readString(cache.path("k")));
  }

  @Test
  void aFailedComputationIsNotRemembered() {
    assertThrows(IllegalStateException.class, () -> cache.obtain("k", () -> {
      throw new IllegalStateException("boom");
    }));
    assertFalse(Files.exists(cache.path("k")));
    assertEquals("ok", cache.obtain("k", () -> "ok"));
  }

  @Test
  void concurrentRequestsForOneKeyComputeOnce() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        results.add(pool.submit(() -> cache.obtain("shared", () -> {
          runs.incrementAndGet();
          sleep(300);
          return "value";
        })));
      }
      for (Future<String> f : results) {
        assertEquals("value", f.get(30, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, runs.get());
    assertEquals(1, cache.computations());
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
