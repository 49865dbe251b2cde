package org.slicelab.spark.results;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What a results directory's lock file says when another run holds it, and whether that run is
 * still alive.
 *
 * @param owner the recorded owner; null while the file is being written (or when it is damaged)
 * @param heartbeat the file's modification time, which the owner touches while it runs
 * @param raw the file's bytes (a take-over moves aside exactly the file it judged)
 */
public record LockHolder(RunOwner owner, Instant heartbeat, byte[] raw) {

  /**
   * The verdict on a holder.
   *
   * @param stale whether the holder is gone, so its lock may be taken over
   * @param reason why, in words
   */
  public record Verdict(boolean stale, String reason) {
  }

  /**
   * Judges the holder from {@code thisHost} at {@code now}.
   * <ul>
   *   <li>On this host the process decides: a pid that is not running, or that now belongs to a
   *       process started at another time (a reused pid), is stale. The heartbeat is not needed.
   *   <li>On another host only the heartbeat can tell: older than {@code staleAfter} is stale.
   *       (Clocks of the two hosts and of the file system are assumed to agree within a small
   *       part of {@code staleAfter}.)
   *   <li>A file without a readable owner is a run writing it right now, unless it is older
   *       than {@code staleAfter} (a run killed in that instant).
   * </ul>
   */
  public Verdict judge(String thisHost, Instant now, Duration staleAfter) {
    Duration age = Duration.between(heartbeat, now);
    if (owner == null) {
      return age.compareTo(staleAfter) > 0
          ? new Verdict(true, "the lock file names no owner and was last touched " + ago(age))
          : new Verdict(false, "another run is taking the directory right now (its lock file "
              + "is not written yet)");
    }
    if (owner.host().equals(thisHost)) {
      Optional<ProcessHandle> process = ProcessHandle.of(owner.pid())
          .filter(ProcessHandle::isAlive);
      if (process.isEmpty()) {
        return new Verdict(true, "its process " + owner.pid() + " is no longer running on this "
            + "host");
      }
      Instant started = process.get().info().startInstant().orElse(null);
      if (owner.processStarted() != null && started != null
          && Duration.between(owner.processStarted(), started).abs().getSeconds() > 2) {
        return new Verdict(true, "pid " + owner.pid() + " now belongs to another process "
            + "(started " + started + ")");
      }
      return new Verdict(false, "its process is running on this host; last heartbeat "
          + ago(age));
    }
    return age.compareTo(staleAfter) > 0
        ? new Verdict(true, "no heartbeat from host " + owner.host() + " for " + seconds(age)
            + " (stale after " + seconds(staleAfter) + ")")
        : new Verdict(false, "last heartbeat " + ago(age));
  }

  private static String ago(Duration age) {
    return seconds(age) + " ago";
  }

  private static String seconds(Duration d) {
    return Math.max(0, d.toSeconds()) + " s";
  }
}
