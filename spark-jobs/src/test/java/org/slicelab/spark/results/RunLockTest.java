package org.slicelab.spark.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.ablations.trial.Provenance;
import org.slicelab.spark.backbone.LocalTestFileSystem;

/**
 * One run per results directory: the lock file, its heartbeat, stale locks and take-overs, on
 * local files and through a Hadoop file system that is not {@code file:}.
 */
class RunLockTest {
  private static final Duration STALE = Duration.ofMinutes(5);

  @TempDir
  Path dir;

  private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
  private final PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);

  private String log() {
    return logBytes.toString(StandardCharsets.UTF_8);
  }

  private static RunLock.Settings at(Instant now) {
    return new RunLock.Settings(Duration.ofSeconds(30), STALE, Clock.fixed(now, ZoneOffset.UTC));
  }

  /** Writes a lock file as another run would have. */
  private Path writeLock(String host, long pid, Instant processStarted, Instant heartbeat)
      throws Exception {
    Path file = dir.resolve(RunLock.FILE);
    RunOwner owner = new RunOwner("t-other", host, pid, processStarted,
        heartbeat.minusSeconds(60), "ann", "slicelab sweep --grid g.conf --out " + dir);
    Files.write(file, owner.toJson());
    Files.setLastModifiedTime(file, FileTime.from(heartbeat));
    return file;
  }

  @Test
  void aSecondRunIsRefusedNamingTheFirstUntilTheFirstEnds() {
    String out = dir.toString();
    RunLock first = RunLock.acquire(out, "slicelab sweep --grid a.conf --out " + out, false, log);
    DirectoryBusyException busy = assertThrows(DirectoryBusyException.class,
        () -> RunLock.acquire(out, "slicelab figure2 --out " + out, false, log));
    RunOwner owner = first.owner();
    for (String part : new String[] {"option '--out'", "pid " + owner.pid(),
        "host " + Provenance.host(), "started " + owner.started(),
        "slicelab sweep --grid a.conf", "--take-over"}) {
      assertTrue(busy.getMessage().contains(part), part + " in: " + busy.getMessage());
    }
    assertNotNull(RunLock.liveOwner(out));
    first.close();
    assertFalse(Files.exists(dir.resolve(RunLock.FILE)), "released on close");
    assertNull(RunLock.liveOwner(out));
    try (RunLock second = RunLock.acquire(out, "slicelab figure2", false, log)) {
      assertTrue(Files.exists(dir.resolve(RunLock.FILE)));
    }
    assertEquals("", log(), "no take-over was needed");
  }

  @Test
  void aLockOfADeadProcessOnThisHostIsTakenOver() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    assertTrue(gone.waitFor(30, TimeUnit.SECONDS));
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    writeLock(Provenance.host(), gone.pid(), now.minusSeconds(5), now);
    assertNull(RunLock.liveOwner(dir.toString()), "a dead owner is not live");
    try (RunLock lock = RunLock.acquire(dir.toString(), "slicelab sweep", false, at(now), log)) {
      assertEquals(lock.owner().token(),
          RunOwner.parse(Files.readAllBytes(dir.resolve(RunLock.FILE))).token());
    }
    assertTrue(log().contains("[lock] taking over") && log().contains("pid " + gone.pid())
        && log().contains("no longer running"), log());
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count(), "nothing left behind: no lock, no moved-aside file");
    }
  }

  @Test
  void aReusedPidIsNotTheOwner() throws Exception {
    ProcessHandle self = ProcessHandle.current();
    Instant now = Instant.now();
    Instant earlier = self.info().startInstant().orElseThrow().minus(Duration.ofDays(1));
    writeLock(Provenance.host(), self.pid(), earlier, now);
    try (RunLock lock = RunLock.acquire(dir.toString(), "slicelab sweep", false, at(now), log)) {
      assertTrue(log().contains("now belongs to another process"), log());
    }
  }

  @Test
  void aFreshLockOfAnotherHostIsRespectedUntilItsHeartbeatIsStale() throws Exception {
    // the file system keeps milliseconds
    Instant beat = Instant.now().minusSeconds(10).truncatedTo(ChronoUnit.MILLIS);
    writeLock("elsewhere.example", 4242, null, beat);
    String out = dir.toString();
    DirectoryBusyException busy = assertThrows(DirectoryBusyException.class,
        () -> RunLock.acquire(out, "slicelab sweep", false, at(beat.plus(STALE)), log));
    assertTrue(busy.getMessage().contains("pid 4242 on host elsewhere.example (user ann)")
        && busy.getMessage().contains("last heartbeat 300 s ago"), busy.getMessage());

    try (RunLock lock = RunLock.acquire(out, "slicelab sweep", false,
        at(beat.plus(STALE).plusSeconds(1)), log)) {
      assertTrue(log().contains("no heartbeat from host elsewhere.example for 301 s (stale after "
          + "300 s)"), log());
    }
  }

  @Test
  void takeOverTakesALiveLockAndItsOwnerIsWarned() throws Exception {
    String out = dir.toString();
    ByteArrayOutputStream firstLog = new ByteArrayOutputStream();
    RunLock.Settings fast = new RunLock.Settings(Duration.ofMillis(50), STALE, Clock.systemUTC());
    RunLock first = RunLock.acquire(out, "slicelab sweep", false, fast,
        new PrintStream(firstLog, true, StandardCharsets.UTF_8));
    try (RunLock second = RunLock.acquire(out, "slicelab sweep", true, log)) {
      assertTrue(log().contains("--take-over"), log());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!firstLog.toString(StandardCharsets.UTF_8).contains("no longer holds this run")
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      // "it now names pid ..." (or "it was removed", caught between the move and the create)
      assertTrue(firstLog.toString(StandardCharsets.UTF_8).contains("no longer holds this run"),
          firstLog.toString(StandardCharsets.UTF_8));
      first.close();
      assertEquals(second.owner().token(),
          RunOwner.parse(Files.readAllBytes(dir.resolve(RunLock.FILE))).token(),
          "the first run's release leaves the second run's lock alone");
    }
  }

  @Test
  void theHeartbeatTouchesTheLockFile() throws Exception {
    RunLock.Settings fast = new RunLock.Settings(Duration.ofMillis(50), STALE, Clock.systemUTC());
    try (RunLock lock = RunLock.acquire(dir.toString(), "slicelab sweep", false, fast, log)) {
      Path file = dir.resolve(RunLock.FILE);
      FileTime old = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
      Files.setLastModifiedTime(file, old);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (Files.getLastModifiedTime(file).equals(old) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      Duration age = Duration.between(Files.getLastModifiedTime(file).toInstant(), Instant.now());
      assertTrue(age.abs().toSeconds() < 5, "touched: " + age);
    }
  }

  @Test
  void aLockFileBeingWrittenIsLiveWhileFresh() throws Exception {
    Path file = dir.resolve(RunLock.FILE);
    Files.write(file, new byte[0]);
    Instant written = Files.getLastModifiedTime(file).toInstant();
    DirectoryBusyException busy = assertThrows(DirectoryBusyException.class,
        () -> RunLock.acquire(dir.toString(), "slicelab sweep", false, at(written), log));
    assertTrue(busy.getMessage().contains("an unnamed run") && busy.getMessage()
        .contains("not written yet"), busy.getMessage());
    try (RunLock lock = RunLock.acquire(dir.toString(), "slicelab sweep", false,
        at(written.plus(STALE).plusSeconds(1)), log)) {
      assertTrue(log().contains("names no owner"), log());
    }
  }

  @Test
  void aHadoopFileSystemTakesTheSamePath() throws Exception {
    String out = LocalTestFileSystem.SCHEME + "://" + dir.resolve("out");
    RunLock.Settings fast = new RunLock.Settings(Duration.ofMillis(50), STALE, Clock.systemUTC());
    Path file = dir.resolve("out").resolve(RunLock.FILE);
    try (RunLock first = RunLock.acquire(out, "slicelab sweep", false, fast, log)) {
      assertTrue(Files.isRegularFile(file), "created through the Hadoop file system");
      assertEquals(first.owner().token(), RunOwner.parse(Files.readAllBytes(file)).token());
      DirectoryBusyException busy = assertThrows(DirectoryBusyException.class,
          () -> RunLock.acquire(out, "slicelab figure2", false, log));
      assertTrue(busy.getMessage().contains(LocalTestFileSystem.SCHEME + ":")
          && busy.getMessage().contains("pid " + first.owner().pid()), busy.getMessage());
      FileTime old = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
      Files.setLastModifiedTime(file, old);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (Files.getLastModifiedTime(file).equals(old) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertFalse(Files.getLastModifiedTime(file).equals(old), "heartbeat via setTimes");
    }
    assertFalse(Files.exists(file), "released through the Hadoop file system");
    try (RunLock again = RunLock.acquire(out, "slicelab sweep", false, log)) {
      assertTrue(Files.exists(file));
    }
    assertEquals("", log());
  }
}
