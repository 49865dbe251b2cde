package org.slicelab.ablations.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The peer's child-process protocol and environment. The child here is a small shell script that
 * speaks the protocol of {@code bin/peer_bench.py --serve} (the real peer needs a Python venv,
 * which the tests must not require): it reports the allocator variables it sees, and answers each
 * request with the method and thread count it was asked for.
 */
class PeerProcessTest {

  @TempDir
  Path dir;

  private Path script() throws Exception {
    Path script = dir.resolve("peer.sh");
    Files.writeString(script, String.join("\n",
        "#!/usr/bin/env bash",
        "echo \"{\\\"ready\\\": true, \\\"versions\\\": {\\\"arena\\\": \\\"${MALLOC_ARENA_MAX:-unset}\\\","
            + " \\\"args\\\": \\\"$*\\\"}}\"",
        "while IFS= read -r line; do",
        "  [[ -z \"$line\" ]] && exit 0",
        "  t=$(sed 's/.*\"threads\":\\([0-9]*\\).*/\\1/' <<< \"$line\")",
        "  echo \"{\\\"ms\\\": $t.5, \\\"minor_faults\\\": 7, \\\"sys_cpu_ms\\\": 1.0}\"",
        "done", ""));
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  @Test
  void childGetsNoAllocatorSettingsAndAnswersEachStep() throws Exception {
    // surefire sets MALLOC_ARENA_MAX for the test JVM (pom.xml), as bin/slicelab does
    assumeTrue(System.getenv("MALLOC_ARENA_MAX") != null, "needs MALLOC_ARENA_MAX in the env");
    try (PeerProcess peer = new PeerProcess(script(), List.of("full", "lora_r8"), 16, 128,
        dir.resolve("peer.log"), PeerProcess.Allocator.PYTHON)) {
      assertEquals("unset", peer.versions().get("arena"));
      assertEquals("--serve --methods full,lora_r8 --batch-size 16 --max-len 128",
          peer.versions().get("args"));
      PeerProcess.Step step = peer.step("full", 2, 0);
      assertEquals(2.5, step.stepMs());
      assertEquals(7, step.minorFaults());
      assertEquals(1.5, peer.step("lora_r8", 1, 1).stepMs());
    }
  }

  @Test
  void theVisionPeerIsAskedForImagesOfTheBenchsSizeInChannelsLastOrder() throws Exception {
    try (PeerProcess peer = PeerProcess.vision(script(), List.of("head", "lora_r8"), 16, 64,
        dir.resolve("peer.log"), PeerProcess.Allocator.PYTHON)) {
      assertEquals("--vision --serve --methods head,lora_r8 --batch-size 16 --image-size 64 "
          + "--channels-last",
          peer.versions().get("args"));
      assertEquals(1.5, peer.step("head", 1, 0).stepMs());
    }
  }

  @Test
  void withSliceLabsAllocatorTheChildKeepsTheSettings() throws Exception {
    assumeTrue(System.getenv("MALLOC_ARENA_MAX") != null, "needs MALLOC_ARENA_MAX in the env");
    try (PeerProcess peer = new PeerProcess(script(), List.of("full"), 16, 128,
        dir.resolve("peer.log"), PeerProcess.Allocator.SLICELAB)) {
      assertEquals(System.getenv("MALLOC_ARENA_MAX"), peer.versions().get("arena"));
    }
  }

  @Test
  void allocatorVariablesAreRecognised() {
    for (String name : List.of("LD_PRELOAD", "MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_",
        "MALLOC_CONF", "TCMALLOC_RELEASE_RATE", "GLIBC_TUNABLES")) {
      assertTrue(PeerProcess.isAllocatorSetting(name), name);
    }
    for (String name : List.of("PATH", "OMP_NUM_THREADS", "JEMALLOC_CONF_X", "HOME")) {
      assertFalse(PeerProcess.isAllocatorSetting(name), name);
    }
  }

  @Test
  void unsupportedMethodsAndMissingCommandAreRejected() {
    assertEquals(List.of("head", "slicefine_r5_row"),
        PeerProcess.supported(List.of("head", "sift_1pct", "slicefine_r5_row")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new PeerProcess(dir.resolve("missing"), List.of("full"), 16, 128,
            dir.resolve("log"), PeerProcess.Allocator.PYTHON));
    assertTrue(e.getMessage().contains("--peer-command"), e.getMessage());
  }
}
