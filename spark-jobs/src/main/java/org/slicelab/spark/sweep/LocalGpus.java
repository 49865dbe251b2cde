package org.slicelab.spark.sweep;

import ai.djl.engine.Engine;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slicelab.ablations.trial.Provenance;

/**
 * The GPUs of a local-mode sweep ({@code local[N]}), handed to its trials one per trial.
 *
 * <p>Spark gives tasks in local mode no resource addresses (its local backend offers none, and
 * {@code spark.task.resource.gpu.amount} there either fails at start-up or leaves every task
 * waiting), so a local sweep cannot learn its trials' GPUs from {@code TaskContext}. In local mode
 * every task runs in the driver's JVM, so this class keeps one JVM-wide queue of device indices:
 * a trial takes a free GPU, waits while all are taken, and gives it back when it ends. Task slots
 * beyond the number of GPUs wait rather than share a GPU. On a cluster the executors' resource
 * addresses decide, as before.
 */
public final class LocalGpus {
  /** The {@code --local-gpus} value meaning "every GPU the engine sees". */
  public static final int AUTO = -1;

  private static LocalGpus shared;

  private final int count;
  private final BlockingQueue<Integer> free;

  LocalGpus(int count) {
    this.count = count;
    this.free = new ArrayBlockingQueue<>(Math.max(1, count));
    for (int i = 0; i < count; i++) {
      free.add(i);
    }
  }

  /**
   * The number of GPUs a sweep on {@code master} hands out: 0 off local mode (executors get
   * Spark's addresses) or when the engine sees none under {@link #AUTO}; else {@code requested}
   * ({@link #AUTO}: all the engine sees). Checked before any work.
   *
   * @throws IllegalArgumentException when more GPUs are asked for than the engine sees
   */
  public static int resolve(int requested, String master) {
    boolean local = master != null && (master.equals("local") || master.startsWith("local["));
    if (!local || requested == 0) {
      return 0;
    }
    int visible = Engine.getEngine("PyTorch").getGpuCount();
    if (requested == AUTO) {
      return visible;
    }
    if (requested > visible) {
      throw new IllegalArgumentException("option '--local-gpus' = " + requested + " is invalid: "
          + "the PyTorch engine on " + Provenance.host() + " sees " + visible + " GPU(s)"
          + (visible == 0 ? " (CPU-only natives, or no usable CUDA driver; build with the Maven "
              + "profile -Pgpu)" : "") + "; use auto, 0 (CPU only) or at most " + visible);
    }
    return requested;
  }

  /** The JVM's pool for {@code count} GPUs (made on first use; one count per JVM). */
  static synchronized LocalGpus shared(int count) {
    if (shared == null || shared.count != count) {
      if (shared != null && shared.free.size() != shared.count) {
        throw new IllegalStateException("a local sweep with " + shared.count + " GPU(s) is "
            + "still running trials in this JVM; cannot start one with " + count);
      }
      shared = new LocalGpus(count);
    }
    return shared;
  }

  /** Takes a free GPU, waiting while every GPU is in use; closing the lease gives it back. */
  Lease take() throws InterruptedException {
    return new Lease(free.take());
  }

  /** Gives {@code index} back. */
  private synchronized void give(int index) {
    if (index < 0 || index >= count || free.contains(index) || !free.offer(index)) {
      throw new IllegalStateException("GPU " + index + " given back twice or never taken");
    }
  }

  /** One GPU taken from the pool; {@link #close()} gives it back, once. */
  final class Lease implements AutoCloseable {
    private final int index;
    private final AtomicBoolean open = new AtomicBoolean(true);

    private Lease(int index) {
      this.index = index;
    }

    /** The GPU's device index. */
    int index() {
      return index;
    }

    @Override
    public void close() {
      if (open.compareAndSet(true, false)) {
        give(index);
      }
    }
  }

  /** GPUs not in use now. */
  int available() {
    return free.size();
  }
}
