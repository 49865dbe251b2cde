package org.slicelab.spark.sweep;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slicelab.ablations.trial.DeviceErrors;

/**
 * Why the Spark job of one trial failed, read from the message Spark aborts the job with once
 * the trial's task has used up its attempts ({@code spark.task.maxFailures}, or no executor left
 * that {@code spark.excludeOnFailure} allows). The message ends with the most recent attempt's
 * failure, e.g. {@code Lost task 0.3 in stage 7.0 (TID 12) (10.0.0.5 executor 4):
 * ExecutorLostFailure (executor 4 exited caused by one of the running tasks) Reason: Command
 * exited with code 137}.
 *
 * @param executorLost whether the last attempt died with its executor (a crash, not an
 *     exception thrown by the task)
 * @param attempts how many attempts the task made, -1 when the message does not say
 * @param host the host of the last attempt, or null
 * @param executorId the executor of the last attempt, or null
 * @param reason the last attempt's failure as Spark reports it (the exit cause for a lost
 *     executor)
 * @param message Spark's whole abort message (first line kept)
 */
public record TaskFailure(boolean executorLost, int attempts, String host, String executorId,
    String reason, String message) {
  private static final Pattern LOST_TASK = Pattern.compile(
      "Lost task \\d+\\.(\\d+) in stage [\\d.]+ \\(TID \\d+\\) \\((\\S+) executor ([^)]+)\\): "
          + "(.*)", Pattern.DOTALL);
  private static final Pattern FAILED_TIMES = Pattern.compile("failed (\\d+) times");
  private static final String EXECUTOR_LOST = "ExecutorLostFailure";
  /** Standalone: "Command exited with code 87"; YARN: "... non-zero exit code 87". */
  private static final Pattern DEVICE_ERROR_EXIT = Pattern.compile(
      "\\bcode:? " + DeviceErrors.EXIT_CODE + "\\b");

  /**
   * The task failure behind a failed job, or null when the job did not fail because of its task
   * (cancelled, or Spark shutting down: the trial was in flight and is left for a rerun).
   */
  public static TaskFailure of(Throwable error) {
    String message = String.valueOf(error.getMessage());
    if (!message.contains("Job aborted due to stage failure") || message.contains("cancelled")
        || message.contains("SparkContext was shut down")) {
      return null;
    }
    String text = message.split("\\R?Driver stacktrace:", 2)[0].strip();
    Matcher lost = LOST_TASK.matcher(text);
    if (lost.find()) {
      String reason = lost.group(4).strip();
      return new TaskFailure(reason.startsWith(EXECUTOR_LOST),
          Integer.parseInt(lost.group(1)) + 1, lost.group(2), lost.group(3).strip(),
          firstLines(reason), firstLines(text));
    }
    Matcher times = FAILED_TIMES.matcher(text);
    int attempts = times.find() ? Integer.parseInt(times.group(1)) : -1;
    return new TaskFailure(text.contains(EXECUTOR_LOST), attempts, null, null, firstLines(text),
        firstLines(text));
  }

  /** One line describing the failure, for the trial row's {@code error}. */
  public String describe() {
    String where = executorId == null ? "" : " (last on executor " + executorId
        + (host == null ? "" : " at " + host) + ")";
    String tries = attempts > 0 ? attempts + " attempt" + (attempts == 1 ? "" : "s") : "its attempts";
    if (executorLost && endedByDeviceError()) {
      return "crashed: a CUDA error ended the executor running this trial (exit code "
          + DeviceErrors.EXIT_CODE + ") in " + tries + where + ": " + reason + ". The executor's "
          + "stderr holds the CUDA error; --retry-failed reruns it";
    }
    if (executorLost) {
      return "crashed: the process running this trial died in " + tries + where + ": " + reason
          + ". Not a trial exception: a native crash, an out-of-memory kill or a lost node; "
          + "--retry-failed reruns it";
    }
    return "spark task failed in " + tries + where + " (not a trial exception): " + reason;
  }

  /** Whether the last attempt's executor ended itself after a CUDA error ({@link DeviceErrors}). */
  public boolean endedByDeviceError() {
    return executorLost && DEVICE_ERROR_EXIT.matcher(reason).find();
  }

  private static String firstLines(String text) {
    String[] lines = text.strip().split("\\R");
    StringBuilder out = new StringBuilder();
    for (String line : lines) {
      if (line.startsWith("\tat ") || line.isBlank()) {
        continue;
      }
      if (!out.isEmpty()) {
        out.append(' ');
      }
      out.append(line.strip());
      if (out.length() > 600) {
        break;
      }
    }
    return out.toString();
  }
}
