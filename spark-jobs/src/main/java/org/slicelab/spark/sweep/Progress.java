package org.slicelab.spark.sweep;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slicelab.spark.results.TrialAttempt;

/** One stderr line per finished trial: count, status, what varies, accuracy, time, ETA. */
final class Progress {
  private final PrintStream log;
  private final int total;
  private final List<String> varying;
  private final long startNanos = System.nanoTime();
  private int done;

  Progress(PrintStream log, int total, List<String> varying) {
    this.log = log;
    this.total = total;
    this.varying = varying;
  }

  /** Logs one committed attempt. */
  void finished(TrialAttempt a, Map<String, Object> spec) {
    done++;
    double elapsed = (System.nanoTime() - startNanos) / 1e9;
    double eta = done == 0 ? 0 : elapsed / done * (total - done);
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "[sweep] %d/%d %-8s %s",
        done, total, a.status(), a.trialId().substring(0, 12)));
    for (String field : varying) {
      line.append(' ').append(field).append('=').append(spec.get(field));
    }
    if (a.ok()) {
      line.append(String.format(Locale.ROOT, " val_acc=%.3f test_acc=%.3f", a.metric("val_acc"),
          a.metric("test_acc")));
    } else if (a.error() != null) {
      line.append(" error: ").append(a.error().lines().findFirst().orElse(""));
    }
    line.append(String.format(Locale.ROOT, " %.1fs on %s", a.seconds(), a.device()));
    if (a.gpuAddress() != null) {
      line.append(" gpu=").append(a.gpuAddress()).append(a.cpuFallback() ? " (cpu fallback)" : "");
    }
    if (a.executorId() != null) {
      line.append(" executor ").append(a.executorId());
    }
    line.append(" | elapsed ").append(clock(elapsed)).append(", ETA ").append(clock(eta));
    log.println(line);
  }

  static String clock(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
