package org.slicelab.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The launcher's allocator choice ({@code bin/slicelab-malloc.sh}, sourced under
 * {@code set -euo pipefail} by {@code bin/slicelab} and {@code bin/slicelab-test}): bad values
 * stop with exit 2 and a message, a missing library warns and goes on with glibc, and the
 * library lookup never ends the launcher silently.
 */
class AllocatorChoiceTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  private record Result(int code, String out, String err) {
  }

  private static Result source(String malloc) throws IOException, InterruptedException {
    return source(malloc, "echo \"preload=${LD_PRELOAD:-}\"", null);
  }

  private static Result source(String malloc, String then, String releaseRate)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder("bash", "-c",
        "set -euo pipefail; source bin/slicelab-malloc.sh; " + then);
    pb.directory(ROOT.toFile());
    Map<String, String> env = pb.environment();
    env.remove("LD_PRELOAD");
    if (releaseRate == null) {
      env.remove("TCMALLOC_RELEASE_RATE");
    } else {
      env.put("TCMALLOC_RELEASE_RATE", releaseRate);
    }
    if (malloc == null) {
      env.remove("SLICELAB_MALLOC");
    } else {
      env.put("SLICELAB_MALLOC", malloc);
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(p.waitFor(), out.strip(), err);
  }

  @Test
  void anInvalidChoiceStopsWithExitTwoAndNamesTheAllowedValues() throws Exception {
    Result r = source("hoard");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("SLICELAB_MALLOC='hoard' is invalid")
        && r.err().contains("tcmalloc") && r.err().contains("glibc"), r.err());
  }

  @Test
  void aMissingLibraryWarnsAndFallsBackToGlibc() throws Exception {
    Result r = source("/no/such/allocator.so");
    assertEquals(0, r.code(), r.err());
    assertEquals("preload=", r.out());
    assertTrue(r.err().contains("not found") && r.err().contains("using glibc"), r.err());
  }

  @Test
  void glibcPreloadsNothing() throws Exception {
    Result r = source("glibc");
    assertEquals(0, r.code(), r.err());
    assertEquals("preload=", r.out());
  }

  @Test
  void tcmallocKeepsFreedPagesUnlessTheUserSaysOtherwise() throws Exception {
    // freed pages stay with tcmalloc for the next step (no page faults per step)
    String echo = "echo \"rate=$TCMALLOC_RELEASE_RATE\"";
    assertEquals("rate=0", source(null, echo, null).out());
    assertEquals("rate=2.5", source(null, echo, "2.5").out());
  }

  @Test
  void theDefaultLookupNeverEndsTheLauncher() throws Exception {
    // the lookup pipes ldconfig into awk; an awk that stopped reading early made ldconfig die of
    // SIGPIPE in about 1% of runs, and pipefail + set -e then ended the launcher with no message
    for (int i = 0; i < 400; i++) {
      Result r = source(null);
      assertEquals(0, r.code(), "run " + i + ": " + r.err());
      assertTrue(r.out().startsWith("preload="), r.out());
    }
  }
}
