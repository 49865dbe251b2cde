package org.slicelab.ablations.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Linux process counters from {@code /proc/self}: CPU time split into user and system,
 * page faults ({@code /proc/self/stat}), resident set size now and its high-water mark
 * ({@code VmRSS}, {@code VmHWM} in {@code /proc/self/status}), and resetting that mark
 * (writing {@code 5} to {@code /proc/self/clear_refs}, Linux 4.0+). Every reader returns -1
 * where the file is missing (not Linux).
 */
public final class ProcStats {
  /** Clock ticks per second of {@code /proc/self/stat} CPU times (USER_HZ, 100 on Linux). */
  public static final double TICKS_PER_SECOND = 100.0;

  private ProcStats() {
  }

  /**
   * CPU and fault counters of the whole process at one moment.
   *
   * @param userTicks user-mode CPU time, in ticks
   * @param systemTicks kernel-mode CPU time, in ticks
   * @param minorFaults minor page faults (first touch of a fresh page, e.g. after mmap)
   * @param majorFaults major page faults (needed I/O)
   */
  public record Cpu(long userTicks, long systemTicks, long minorFaults, long majorFaults) {
    /** The counters accumulated since {@code earlier}. */
    public Cpu minus(Cpu earlier) {
      return new Cpu(userTicks - earlier.userTicks, systemTicks - earlier.systemTicks,
          minorFaults - earlier.minorFaults, majorFaults - earlier.majorFaults);
    }
  }

  /** The process's CPU counters now (all -1 when unavailable). */
  public static Cpu cpu() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"), StandardCharsets.US_ASCII);
      // fields after the command name, which is in parentheses and may contain spaces
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
      // f[0] is field 3 (state): minflt = field 10, majflt = 12, utime = 14, stime = 15
      return new Cpu(Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[7]),
          Long.parseLong(f[9]));
    } catch (IOException | RuntimeException e) {
      return new Cpu(-1, -1, -1, -1);
    }
  }

  /** Current resident set size in bytes. */
  public static long rssBytes() {
    return statusKb("VmRSS:") * 1024;
  }

  /** Peak resident set size (since start or the last {@link #resetPeak()}) in bytes. */
  public static long peakRssBytes() {
    return statusKb("VmHWM:") * 1024;
  }

  /** Resets VmHWM to the current RSS; returns false when the kernel refuses. */
  public static boolean resetPeak() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static long statusKb(String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(key)) {
          return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
