package org.slicelab.spark.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;

/**
 * Reading Spark's job abort messages (in the format Spark 4.2 produced on this project's test
 * cluster). The end-to-end path is {@link ClusterFaultToleranceTest}.
 */
class TaskFailureTest {

  @Test
  void executorLostAfterFourAttemptsIsACrashWithTheExitCause() {
    TaskFailure f = TaskFailure.of(new SparkException("Job aborted due to stage failure: Task 0 "
        + "in stage 5.0 failed 4 times, most recent failure: Lost task 0.3 in stage 5.0 (TID 9) "
        + "(127.0.0.2 executor 6): ExecutorLostFailure (executor 6 exited caused by one of the "
        + "running tasks) Reason: Command exited with code 86\nDriver stacktrace:\n\tat "
        + "org.apache.spark.scheduler.DAGScheduler.failJobAndIndependentStages(DAGScheduler"
        + ".scala:2935)"));
    assertTrue(f.executorLost());
    assertEquals(4, f.attempts());
    assertEquals("127.0.0.2", f.host());
    assertEquals("6", f.executorId());
    assertEquals("ExecutorLostFailure (executor 6 exited caused by one of the running tasks) "
        + "Reason: Command exited with code 86", f.reason());
    assertTrue(f.describe().startsWith("crashed: the process running this trial died in 4 "
        + "attempts (last on executor 6 at 127.0.0.2): ExecutorLostFailure"), f.describe());
    assertFalse(f.describe().contains("DAGScheduler"), "no driver stack trace");
  }

  @Test
  void executorThatEndedItselfAfterACudaErrorIsACrashSaidToBeCuda() {
    TaskFailure f = TaskFailure.of(new SparkException("Job aborted due to stage failure: Task 0 "
        + "in stage 2.0 failed 4 times, most recent failure: Lost task 0.3 in stage 2.0 (TID 5) "
        + "(127.0.0.1 executor 3): ExecutorLostFailure (executor 3 exited caused by one of the "
        + "running tasks) Reason: Command exited with code 87\nDriver stacktrace:"));
    assertTrue(f.executorLost() && f.endedByDeviceError());
    assertTrue(f.describe().startsWith("crashed: a CUDA error ended the executor running this "
        + "trial (exit code 87) in 4 attempts (last on executor 3 at 127.0.0.1)"), f.describe());
    TaskFailure other = TaskFailure.of(new SparkException("Job aborted due to stage failure: "
        + "Task 0 in stage 2.0 failed 4 times, most recent failure: Lost task 0.3 in stage 2.0 "
        + "(TID 5) (127.0.0.1 executor 3): ExecutorLostFailure (executor 3 exited caused by one "
        + "of the running tasks) Reason: Command exited with code 870"));
    assertFalse(other.endedByDeviceError(), other.describe());
  }

  @Test
  void abortBecauseNoNodeIsLeftCountsTheAttemptsFromTheLastOne() {
    TaskFailure f = TaskFailure.of(new SparkException("Job aborted due to stage failure: \n"
        + "Aborting TaskSet 3.0 because task 0 (partition 0)\ncannot run anywhere due to node and "
        + "executor excludeOnFailure.\nMost recent failure:\nLost task 0.1 in stage 3.0 (TID 4) "
        + "(127.0.0.1 executor 2): ExecutorLostFailure (executor 2 exited caused by one of the "
        + "running tasks) Reason: Remote RPC client disassociated.\n\nExcludeOnFailure behavior "
        + "can be configured via spark.excludeOnFailure.*.\n"));
    assertTrue(f.executorLost());
    assertEquals(2, f.attempts());
    assertEquals("2", f.executorId());
    assertTrue(f.reason().contains("Remote RPC client disassociated"), f.reason());
  }

  @Test
  void taskExceptionIsAFailureNotACrash() {
    TaskFailure f = TaskFailure.of(new SparkException("Job aborted due to stage failure: Task 0 "
        + "in stage 1.0 failed 4 times, most recent failure: Lost task 0.3 in stage 1.0 (TID 3) "
        + "(127.0.0.1 executor 0): java.io.InvalidClassException: local class incompatible\n\tat "
        + "java.base/java.io.ObjectStreamClass.initNonProxy(ObjectStreamClass.java:598)"));
    assertFalse(f.executorLost());
    assertEquals(4, f.attempts());
    assertTrue(f.describe().startsWith("spark task failed in 4 attempts"), f.describe());
    assertTrue(f.describe().contains("InvalidClassException"), f.describe());
  }

  @Test
  void cancelledJobsAndShutdownAreNotTaskFailures() {
    assertNull(TaskFailure.of(new SparkException("Job 3 cancelled part of cancelled job group "
        + "slicelab-s1")));
    assertNull(TaskFailure.of(new SparkException("Job 2 cancelled because SparkContext was shut "
        + "down")));
    assertNull(TaskFailure.of(new IllegalStateException("Job aborted due to stage failure: "
        + "SparkContext was shut down")));
  }
}
