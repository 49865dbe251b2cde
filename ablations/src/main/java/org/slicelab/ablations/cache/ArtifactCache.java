package org.slicelab.ablations.cache;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.commons.codec.digest.DigestUtils;

/**
 * A cache of values that are costly to compute and depend only on a key string (lottery-ticket
 * masks today; any other per-backbone artifact later): in memory per JVM, and on disk under
 * {@code CacheDirs.dir(directory)} as {@code <prefix>-<first 32 hex digits of sha256(key)>
 * <suffix>}.
 *
 * <p>{@link #obtain} returns the value from memory, else from its file, else computes it (once per
 * key in this JVM even when several threads ask at once) and writes the file atomically (temp file
 * in the same directory, then move; readable by other users of a shared cache). Across JVMs a lock
 * file next to the artifact ({@code <file>.lock}) serialises the computation where the file system
 * supports locks. The {@link Format} stores the key in the file and returns null for a file made
 * for another key or in another format, which is then recomputed and replaced.
 *
 * @param <T> the artifact type
 */
public final class ArtifactCache<T> {
  private static final System.Logger LOG = System.getLogger(ArtifactCache.class.getName());

  /**
   * How an artifact is written and read back.
   *
   * @param <T> the artifact type
   */
  public interface Format<T> {
    /** Writes {@code value}, made for {@code key}, to {@code out}. */
    void write(String key, T value, OutputStream out) throws IOException;

    /**
     * Reads the artifact in {@code in}; null when it is not in this format or was made for another
     * key (the cache then recomputes it).
     */
    T read(String key, InputStream in) throws IOException;
  }

  private final String directory;
  private final String prefix;
  private final String suffix;
  private final Format<T> format;
  private final ConcurrentHashMap<Path, CompletableFuture<T>> memory = new ConcurrentHashMap<>();
  private final AtomicInteger computations = new AtomicInteger();
  private final AtomicInteger fileLoads = new AtomicInteger();

  /**
   * A cache whose files live in {@code CacheDirs.dir(directory)} and are named
   * {@code prefix-<hash>suffix}.
   */
  public ArtifactCache(String directory, String prefix, String suffix, Format<T> format) {
    this.directory = directory;
    this.prefix = prefix;
    this.suffix = suffix;
    this.format = format;
  }

  /** The file name for {@code key}: prefix, the first 32 hex digits of its SHA-256, suffix. */
  public String fileName(String key) {
    return prefix + "-" + DigestUtils.sha256Hex(key.getBytes(StandardCharsets.UTF_8))
        .substring(0, 32) + suffix;
  }

  /** The file for {@code key} under the current cache root (the directory is created). */
  public Path path(String key) {
    return CacheDirs.dir(directory).resolve(fileName(key));
  }

  /** How many values this cache computed in this JVM (misses that ran the computation). */
  public int computations() {
    return computations.get();
  }

  /** How many values this cache read from a file in this JVM. */
  public int fileLoads() {
    return fileLoads.get();
  }

  /** Forgets the values held in memory (the files stay). */
  public void forgetMemory() {
    memory.clear();
  }

  /**
   * The value for {@code key}: from memory, else its file, else {@code compute} (run at most once
   * per key and cache root in this JVM at a time) and stored. A failed computation is not
   * remembered: the next request tries again.
   */
  public T obtain(String key, Supplier<T> compute) {
    Path file = path(key).toAbsolutePath();
    CompletableFuture<T> mine = new CompletableFuture<>();
    CompletableFuture<T> existing = memory.putIfAbsent(file, mine);
    if (existing != null) {
      try {
        return existing.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof RuntimeException re) {
          throw re;
        }
        throw e;
      }
    }
    try {
      T value = loadOrCompute(key, file, compute);
      mine.complete(value);
      return value;
    } catch (RuntimeException | Error e) {
      memory.remove(file, mine);
      mine.completeExceptionally(e);
      throw e;
    }
  }

  private T loadOrCompute(String key, Path file, Supplier<T> compute) {
    T cached = read(key, file);
    if (cached != null) {
      return cached;
    }
    Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE)) {
      FileLock lock = tryLock(channel);
      try {
        cached = read(key, file);
        if (cached != null) {
          return cached;
        }
        computations.incrementAndGet();
        T value = compute.get();
        write(key, value, file);
        return value;
      } finally {
        if (lock != null) {
          lock.release();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use the cache file " + file, e);
    }
  }

  private static FileLock tryLock(FileChannel channel) {
    try {
      return channel.lock();
    } catch (IOException | UnsupportedOperationException e) {
      LOG.log(System.Logger.Level.DEBUG, "file locks unsupported; continuing without", e);
      return null;
    }
  }

  /** Writes {@code value} to {@code file} atomically (temp file in the same directory + move). */
  private void write(String key, T value, Path file) throws IOException {
    Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
    try {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp))) {
        format.write(key, value, out);
      }
      try {
        // createTempFile makes an owner-only file; a cache may be shared by several users
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      } catch (UnsupportedOperationException | IOException e) {
        LOG.log(System.Logger.Level.DEBUG, "cannot widen permissions of " + tmp, e);
      }
      AtomicFiles.replace(tmp, file);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The value in {@code file} if it exists, is intact and was made for {@code key}; else null. */
  private T read(String key, Path file) {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      T value = format.read(key, in);
      if (value == null) {
        LOG.log(System.Logger.Level.WARNING, file + " holds another key or format; recomputing");
        return null;
      }
      fileLoads.incrementAndGet();
      return value;
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "unreadable cache file " + file + "; recomputing", e);
      return null;
    }
  }
}
