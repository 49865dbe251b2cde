package org.slicelab.spark.results;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Driver-side facts shared by every row one sweep invocation writes.
 *
 * @param sweepId id of this invocation
 * @param grid grid name
 * @param gridFile grid file as given
 * @param gitCommit {@code git rev-parse HEAD}, or "unknown"
 * @param gitDirty whether the checkout had uncommitted changes, null when unknown
 * @param sparkMaster Spark master URL
 * @param sparkAppId Spark application id
 */
public record RunInfo(String sweepId, String grid, String gridFile, String gitCommit,
    Boolean gitDirty, String sparkMaster, String sparkAppId) {

  /** Same facts with the Spark master and application id filled in. */
  public RunInfo withSpark(String master, String appId) {
    return new RunInfo(sweepId, grid, gridFile, gitCommit, gitDirty, master, appId);
  }

  /**
   * The checkout's state.
   *
   * @param commit {@code git rev-parse HEAD}, or "unknown"
   * @param dirty uncommitted changes to tracked files; null when unknown
   */
  public record GitState(String commit, Boolean dirty) {
  }

  /**
   * The state of the checkout at {@code -Dslicelab.home} (set by {@code bin/slicelab}), else of
   * the working directory; {@code ("unknown", null)} when git or the repository is absent.
   */
  public static GitState gitState() {
    String home = System.getProperty("slicelab.home");
    Path dir = home == null || home.isBlank() ? Path.of("").toAbsolutePath() : Path.of(home);
    String commit = git(dir, "rev-parse", "HEAD");
    if (commit == null || !commit.matches("[0-9a-f]{40}")) {
      return new GitState("unknown", null);
    }
    String status = git(dir, "status", "--porcelain", "--untracked-files=no");
    return new GitState(commit, status == null ? null : !status.isBlank());
  }

  private static String git(Path dir, String... args) {
    List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(false)
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return null;
      }
      return process.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8).trim() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
