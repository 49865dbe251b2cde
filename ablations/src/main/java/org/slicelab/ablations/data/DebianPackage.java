package org.slicelab.ablations.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slicelab.ablations.cache.CacheDirs;
import org.slicelab.ablations.cache.Checksums;

/**
 * A data package from Debian's archive, fetched once with {@code apt-get download} (which needs
 * no root and installs nothing) into the data cache and checked against a pinned SHA-256 before
 * use. The {@code .deb} is read in place ({@link DebianArchive}); nothing is unpacked.
 *
 * @param name the package name, e.g. {@code dataset-fashion-mnist}
 * @param version the pinned version
 * @param sha256Hex SHA-256 of the .deb, hex (the provenance checksum; as in apt's index)
 * @param what a short name for messages
 */
public record DebianPackage(String name, String version, String sha256Hex, String what) {
  private static final System.Logger LOG = System.getLogger(DebianPackage.class.getName());

  /** How many times this JVM ran apt-get (for tests). */
  static final AtomicInteger APT_RUNS = new AtomicInteger();

  /** The file name {@code apt-get download} gives the package (epoch-free versions only). */
  public String fileName() {
    return name + "_" + version + "_all.deb";
  }

  /** The verified .deb in {@code dataDir}, running {@code apt-get download} if absent or bad. */
  public Path ensure(Path dataDir, String aptGetCommand) {
    Path target = dataDir.resolve(fileName());
    if (Files.isRegularFile(target)) {
      String problem = checksumProblem(target);
      if (problem == null) {
        return target;
      }
      LOG.log(System.Logger.Level.WARNING, target + ": " + problem + "; fetching it again");
    }
    APT_RUNS.incrementAndGet();
    PackageDownload.run(dataDir, fileName(), List.of(aptGetCommand, "download",
        name + "=" + version), this::checksumProblem, why -> unavailable(dataDir, why));
    return target;
  }

  private IllegalStateException unavailable(Path dataDir, String why) {
    return new IllegalStateException(what + " data package unavailable: " + why
        + ". On a fresh machine apt's package lists may be missing or old: run 'apt-get update'"
        + " once (as root) and try again. Or fetch it by hand with\n  cd " + dataDir
        + " && apt-get download " + name + "=" + version + "\nso that "
        + dataDir.resolve(fileName()) + " exists (sha256 " + sha256Hex + "), or point -D"
        + CacheDirs.PROPERTY + " / $" + CacheDirs.ENV + " at a cache root whose data/ "
        + "directory holds that file.");
  }

  /** Null if the file has the pinned SHA-256, else what is wrong. */
  private String checksumProblem(Path file) {
    try {
      String hex = Checksums.sha256(file);
      return hex.equals(sha256Hex) ? null : "has sha256 " + hex + ", expected " + sha256Hex;
    } catch (IOException e) {
      return "cannot be read (" + e.getMessage() + ")";
    }
  }
}
