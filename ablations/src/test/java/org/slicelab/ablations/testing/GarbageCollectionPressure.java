package org.slicelab.ablations.testing;

/**
 * A daemon thread that forces a garbage collection about every millisecond until closed, so that
 * memory the JVM may free (Java direct buffers under DJL arrays) is freed at every moment of a
 * training step rather than at the JVM's own pace.
 */
public final class GarbageCollectionPressure implements AutoCloseable {
  private final Thread collector = new Thread(() -> {
    while (!Thread.currentThread().isInterrupted()) {
      System.gc();
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        return;
      }
    }
  }, "gc-pressure");

  private GarbageCollectionPressure() {
    collector.setDaemon(true);
    collector.start();
  }

  /** Starts collecting. */
  public static GarbageCollectionPressure start() {
    return new GarbageCollectionPressure();
  }

  /** Stops the thread and waits for it. */
  @Override
  public void close() {
    collector.interrupt();
    try {
      collector.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
