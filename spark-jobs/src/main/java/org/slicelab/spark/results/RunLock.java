package org.slicelab.spark.results;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slicelab.ablations.trial.Provenance;

/**
 * Ownership of a results directory by one run at a time ({@code sweep}, {@code figure2},
 * {@code --until-conclusive}): a second run into the same directory is refused before it does
 * any work, naming the run that holds it.
 *
 * <h2>The lock file</h2>
 * {@code OUT/}{@value #FILE} holds the owner ({@link RunOwner}: host, pid, start time, command).
 * It is created atomically and only if absent: on Hadoop file systems with
 * {@code create(overwrite = false)} (atomic on HDFS), on local files with an exclusive create
 * ({@code O_EXCL}; Hadoop's local {@code create} checks and then opens, which two processes can
 * both pass). While the run lives a daemon thread touches the file's modification time every
 * {@link Settings#heartbeat()}, and checks that the file still names this run.
 *
 * <h2>Stale locks</h2>
 * A run killed with {@code -9} leaves its lock file behind. The next run judges it
 * ({@link LockHolder#judge}): on the same host a holder whose process is gone is stale; on
 * another host, one whose heartbeat is older than {@link Settings#staleAfter()}. A stale lock is
 * taken over (said on the log); {@code --take-over} takes over a live-looking one too. A take-over
 * renames the judged file aside (atomic: only one of two runs taking over at once succeeds) and
 * checks that what it moved is what it judged, else gives it back.
 *
 * <p>{@link #close()} releases the lock (the file is deleted only while it names this run); a
 * shutdown hook releases it when the JVM exits another way (Ctrl-C, SIGTERM).
 */
public final class RunLock implements AutoCloseable {
  /** The lock file's name under the results directory ({@code _}: Spark readers skip it). */
  public static final String FILE = "_owner.json";
  private static final int TRIES = 5;

  /**
   * Timing of the lock.
   *
   * @param heartbeat how often the owner touches its lock file
   * @param staleAfter a lock of another host untouched for longer is stale
   * @param clock the clock heartbeats are written and judged with
   */
  public record Settings(Duration heartbeat, Duration staleAfter, Clock clock) {
    /** Every 30 s; stale after 5 minutes (ten missed heartbeats); the system clock. */
    public static final Settings DEFAULT = new Settings(Duration.ofSeconds(30),
        Duration.ofMinutes(5), Clock.systemUTC());
  }

  private final FileSystem fs;
  private final Path file;
  private final String location;
  private final RunOwner owner;
  private final PrintStream log;
  private final ScheduledExecutorService heartbeat;
  private final Thread shutdownHook;
  private boolean lossReported;
  private boolean released;

  private RunLock(FileSystem fs, Path file, String location, RunOwner owner, Settings settings,
      PrintStream log) {
    this.fs = fs;
    this.file = file;
    this.location = location;
    this.owner = owner;
    this.log = log;
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "slicelab-lock-heartbeat");
      t.setDaemon(true);
      return t;
    });
    long every = settings.heartbeat().toMillis();
    heartbeat.scheduleWithFixedDelay(() -> beat(settings.clock()), every, every,
        TimeUnit.MILLISECONDS);
    this.shutdownHook = new Thread(this::release, "slicelab-lock-release");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Takes the results directory {@code out} for a run of {@code command}, with the default
   * timing.
   *
   * @param takeOver take the directory even from a run that looks alive
   * @param log where a take-over is reported
   * @throws DirectoryBusyException when another live run owns the directory
   * @throws IllegalArgumentException when {@code out} is not a usable directory
   */
  public static RunLock acquire(String out, String command, boolean takeOver, PrintStream log) {
    return acquire(out, command, takeOver, Settings.DEFAULT, log);
  }

  /** As {@link #acquire(String, String, boolean, PrintStream)}, with the given timing. */
  public static RunLock acquire(String out, String command, boolean takeOver, Settings settings,
      PrintStream log) {
    ResultStore store = ResultStore.open(out);
    RunOwner me = RunOwner.current(command, settings.clock().instant());
    FileSystem fs = null;
    try {
      fs = FileSystem.newInstance(store.root().toUri(), store.conf());
      Path file = new Path(store.root(), FILE);
      fs.mkdirs(store.root());
      for (int i = 0; i < TRIES; i++) {
        if (createExclusive(fs, file, me.toJson())) {
          return new RunLock(fs, file, store.location(), me, settings, log);
        }
        LockHolder holder = read(fs, file);
        if (holder == null) {
          continue; // released in the meantime
        }
        LockHolder.Verdict verdict = holder.judge(Provenance.host(),
            settings.clock().instant(), settings.staleAfter());
        String who = holder.owner() == null ? "an unnamed run" : holder.owner().describe();
        if (!verdict.stale() && !takeOver) {
          throw new DirectoryBusyException("option '--out' = " + store.location() + " is in use "
              + "by another run: " + who + " (" + verdict.reason() + "). One run at a time "
              + "writes a results directory: wait for it to end or use another --out; if that "
              + "run is gone for good, rerun with --take-over");
        }
        log.println("[lock] taking over " + store.location() + " from " + who + ": "
            + (verdict.stale() ? verdict.reason() : "--take-over (" + verdict.reason() + ")"));
        moveAside(fs, file, holder, me.token());
      }
      throw new DirectoryBusyException("option '--out' = " + store.location() + ": other runs "
          + "are taking this results directory at the same moment; " + TRIES + " tries failed");
    } catch (IOException e) {
      closeQuietly(fs);
      throw new IllegalArgumentException("option '--out' = " + store.location() + ": cannot "
          + "create the lock file " + FILE + ": " + e, e);
    } catch (RuntimeException e) {
      closeQuietly(fs);
      throw e;
    }
  }

  /**
   * The run that owns {@code out} and looks alive (judged as {@link #acquire} would), described;
   * null when none does. Reads only.
   */
  public static String liveOwner(String out) {
    ResultStore store = ResultStore.open(out);
    try (FileSystem fs = FileSystem.newInstance(store.root().toUri(), store.conf())) {
      LockHolder holder = read(fs, new Path(store.root(), FILE));
      if (holder == null || holder.judge(Provenance.host(), Instant.now(),
          Settings.DEFAULT.staleAfter()).stale()) {
        return null;
      }
      return holder.owner() == null ? "a run starting right now" : holder.owner().describe();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + store.location() + "/" + FILE, e);
    }
  }

  /** This run as the lock file names it. */
  public RunOwner owner() {
    return owner;
  }

  /** Stops the heartbeat and deletes the lock file if it still names this run. */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook releases
    }
    release();
  }

  private synchronized void release() {
    if (released) {
      return;
    }
    released = true;
    heartbeat.shutdownNow();
    try {
      LockHolder holder = read(fs, file);
      if (holder != null && holder.owner() != null
          && owner.token().equals(holder.owner().token())) {
        fs.delete(file, false);
      }
    } catch (IOException e) {
      log.println("[lock] could not remove " + location + "/" + FILE + " (" + e + "); the next "
          + "run on this host takes it over, on another host after its heartbeat is stale");
    } finally {
      closeQuietly(fs);
    }
  }

  /** One heartbeat: touch the file, and say once if it no longer names this run. */
  private synchronized void beat(Clock clock) {
    if (released) {
      return;
    }
    try {
      fs.setTimes(file, clock.millis(), -1);
      LockHolder holder = read(fs, file);
      if (holder != null && holder.owner() != null
          && owner.token().equals(holder.owner().token())) {
        return;
      }
      reportLoss(holder == null ? "it was removed"
          : "it now names " + (holder.owner() == null ? "an unnamed run"
              : holder.owner().describe()));
    } catch (FileNotFoundException e) {
      reportLoss("it was removed");
    } catch (IOException | RuntimeException e) {
      reportLoss("its heartbeat failed: " + e);
    }
  }

  private void reportLoss(String why) {
    if (!lossReported) {
      lossReported = true;
      log.println("[lock] warning: " + location + "/" + FILE + " no longer holds this run ("
          + why + "); another run may be writing the same results");
    }
  }

  /** Creates {@code file} with {@code content} only if it does not exist; false if it does. */
  static boolean createExclusive(FileSystem fs, Path file, byte[] content) throws IOException {
    if ("file".equals(file.toUri().getScheme())) {
      try (OutputStream out = Files.newOutputStream(java.nio.file.Path.of(file.toUri()),
          StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        out.write(content);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      }
    }
    try (FSDataOutputStream out = fs.create(file, false)) {
      out.write(content);
      return true;
    } catch (IOException e) {
      // FileAlreadyExistsException, or on HDFS another client creating it right now
      if (fs.exists(file)) {
        return false;
      }
      throw e;
    }
  }

  /** The lock file as it is now; null when there is none. */
  private static LockHolder read(FileSystem fs, Path file) throws IOException {
    try {
      FileStatus status = fs.getFileStatus(file);
      byte[] raw;
      try (FSDataInputStream in = fs.open(file)) {
        raw = in.readAllBytes();
      }
      return new LockHolder(RunOwner.parse(raw), Instant.ofEpochMilli(
          status.getModificationTime()), raw);
    } catch (FileNotFoundException e) {
      return null;
    }
  }

  /**
   * Moves the judged lock file out of the way. If what was moved is not what was judged (a run
   * took the directory in between), it is put back; the caller then judges again.
   */
  private static void moveAside(FileSystem fs, Path file, LockHolder judged, String token)
      throws IOException {
    Path aside = new Path(file.getParent(), FILE + ".stale-" + token);
    try {
      if (!fs.rename(file, aside)) {
        return;
      }
    } catch (FileNotFoundException e) {
      return;
    }
    byte[] moved;
    try (FSDataInputStream in = fs.open(aside)) {
      moved = in.readAllBytes();
    }
    if (!Arrays.equals(moved, judged.raw())) {
      createExclusive(fs, file, moved);
    }
    fs.delete(aside, false);
  }

  private static void closeQuietly(FileSystem fs) {
    if (fs == null) {
      return;
    }
    try {
      fs.close();
    } catch (IOException e) {
      // best effort
    }
  }
}
