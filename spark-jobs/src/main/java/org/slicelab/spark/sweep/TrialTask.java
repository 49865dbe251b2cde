package org.slicelab.spark.sweep;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.SparkContext$;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.slicelab.ablations.backbone.CudaRuntime;
import org.slicelab.ablations.trial.DeviceErrors;
import org.slicelab.ablations.trial.Provenance;
import org.slicelab.ablations.trial.TrialResources;
import org.slicelab.ablations.trial.TrialResult;
import org.slicelab.ablations.trial.TrialRunner;
import org.slicelab.ablations.trial.TrialSpec;
import org.slicelab.ablations.trial.TrialStatus;
import org.slicelab.spark.results.TrialAttempt;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;

/**
 * The executor side of a sweep: runs the one trial of its Spark partition and always returns a
 * {@link TrialAttempt} (exceptions, NaN losses and timeouts become rows; only a kill of the task
 * itself propagates). The exception: a CUDA error that breaks the JVM's CUDA context ends a
 * cluster executor, so that Spark retries the trial on a fresh one (see
 * {@link DeviceErrors}).
 *
 * <p>Small and serializable, like the DJL Spark extension's model loader: it carries settings
 * only. The heavy state (pretrained weights, tokenizers, tokenized splits) is
 * {@link TrialResources#shared()}, loaded lazily on first use and then shared by every task of
 * the executor JVM.
 *
 * <p>Device: when Spark assigned the task GPU addresses ({@code spark.task.resource.gpu.amount}),
 * the trial runs on {@code Device.gpu(first address)}; in local mode, where Spark assigns none,
 * it takes a free GPU from {@link LocalGpus} when the sweep hands some out. If the PyTorch engine
 * sees no GPU for an assigned address the
 * attempt fails with a clear message, or runs on CPU with {@code cpu_fallback} recorded when
 * {@code --allow-cpu-fallback} was given. Torch intra-op threads: {@code --torch-threads}, else
 * the task's CPUs ({@code spark.task.cpus}, i.e. executor cores / task slots), so concurrent
 * trials never oversubscribe the executor's cores. Timeout: the trial runs in its own thread;
 * after {@code --trial-timeout} seconds it is interrupted (and abandoned if it does not stop) and
 * the attempt is recorded as {@code timeout}.
 */
public final class TrialTask extends AbstractFunction1<Iterator<TrialInput>, TrialAttempt>
    implements Serializable {
  private static final long serialVersionUID = 1L;
  /** How long an interrupted trial thread may take to stop before it is abandoned. */
  static final long STOP_GRACE_MILLIS = 30_000;

  private final long timeoutSeconds;
  private final boolean allowCpuFallback;
  private final int torchThreads;
  private final int localGpus;

  /**
   * @param timeoutSeconds per-trial limit, 0 = none
   * @param allowCpuFallback run on CPU when GPUs are assigned but the engine sees none
   * @param torchThreads torch intra-op threads per trial, 0 = the task's CPUs
   * @param localGpus GPUs a local-mode sweep hands out ({@link LocalGpus}), 0 = none
   */
  public TrialTask(long timeoutSeconds, boolean allowCpuFallback, int torchThreads,
      int localGpus) {
    this.timeoutSeconds = timeoutSeconds;
    this.allowCpuFallback = allowCpuFallback;
    this.torchThreads = torchThreads;
    this.localGpus = localGpus;
  }

  @Override
  public TrialAttempt apply(Iterator<TrialInput> inputs) {
    return run(inputs.next(), TaskContext.get());
  }

  /** Runs one trial in the current task (a null context means outside Spark: CPU, 1 thread). */
  public TrialAttempt run(TrialInput input, TaskContext context) {
    // before anything in this executor touches DJL (a no-op with the CPU natives)
    CudaRuntime.exposeBundled();
    long started = System.currentTimeMillis();
    String attemptId = TrialAttempt.newAttemptId();
    SparkEnv env = SparkEnv.get();
    String executorId = env == null ? null : env.executorId();
    int sparkAttempt = context == null ? -1 : context.attemptNumber();
    String gpuAddress = null;
    boolean fallback = false;
    Device device = Device.cpu();
    int threads = torchThreads > 0 ? torchThreads
        : Math.max(1, context == null ? 1 : context.cpus());
    TrialSpec spec = null;
    LocalGpus.Lease localGpu = null;
    Thread[] worker = new Thread[1];
    try {
      spec = TrialSpec.fromJson(input.specJson());
      if (!spec.trialId().equals(input.trialId())) {
        throw new IllegalStateException("trial id mismatch: the driver sent " + input.trialId()
            + " but this executor computes " + spec.trialId() + " for the same spec (driver and "
            + "executor run different SliceLab builds?)");
      }
      Engine engine = Engine.getEngine("PyTorch");
      String[] addresses = gpuAddresses(context);
      if (addresses.length > 0) {
        gpuAddress = String.join(",", addresses);
        int visible = engine.getGpuCount();
        if (visible == 0) {
          if (!allowCpuFallback) {
            throw new IllegalStateException("Spark assigned GPU address " + gpuAddress + " to this "
                + "task, but the PyTorch engine on " + Provenance.host() + " sees no GPU (CPU-only "
                + "natives, or no CUDA driver). Build with the Maven profile -Pgpu for the CUDA "
                + "natives, or pass --allow-cpu-fallback to run such trials on the CPU.");
          }
          fallback = true;
        } else {
          device = Device.gpu(gpuIndex(addresses[0], visible));
        }
      } else if (localGpus > 0) {
        localGpu = takeLocalGpu();
        gpuAddress = String.valueOf(localGpu.index());
        device = Device.gpu(localGpu.index());
      }
      // the trial's own time starts now (not while it waited for a GPU)
      TrialResult result = runWithTimeout(spec, device, threads, System.currentTimeMillis(),
          localGpu, worker);
      String error = result.error();
      if (DeviceErrors.breaksDevice(error)) {
        error = afterDeviceError(spec, executorId, error);
      }
      Map<String, String> provenance = withSpark(result.provenance());
      return new TrialAttempt(attemptId, input.trialId(), input.specJson(),
          result.status().label(), error, result.metrics(), result.curves(), provenance,
          provenance.getOrDefault("device", device.toString()), gpuAddress, fallback, executorId,
          started, System.currentTimeMillis(), threads, sparkAttempt, result.predictions());
    } catch (TaskInterrupted e) {
      throw e;
    } catch (RuntimeException | Error e) {
      Map<String, Object> metrics = new LinkedHashMap<>();
      metrics.put("trial_seconds", (System.currentTimeMillis() - started) / 1000.0);
      return new TrialAttempt(attemptId, input.trialId(), input.specJson(),
          TrialStatus.FAILED.label(), TrialResult.describe(e), metrics, List.of(),
          provenance(device), device.toString(), gpuAddress, fallback, executorId, started,
          System.currentTimeMillis(), threads, sparkAttempt);
    } finally {
      // a trial still running (abandoned after its time-out, or its task killed) keeps its GPU
      // until it ends: its worker gives it back then
      if (localGpu != null && (worker[0] == null || !worker[0].isAlive())) {
        localGpu.close();
      }
    }
  }

  private LocalGpus.Lease takeLocalGpu() {
    try {
      return LocalGpus.shared(localGpus).take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TaskInterrupted(e);
    }
  }

  /**
   * Runs the trial in its own thread with the given torch threads; on timeout interrupts it and
   * returns a TIMEOUT result. The thread gives {@code gpu} (a local GPU, or null) back when it
   * ends, whenever that is, and is left in {@code running[0]}.
   */
  private TrialResult runWithTimeout(TrialSpec spec, Device device, int threads, long started,
      LocalGpus.Lease gpu, Thread[] running) {
    AtomicReference<TrialResult> result = new AtomicReference<>();
    AtomicReference<Throwable> crash = new AtomicReference<>();
    Thread worker = new Thread(() -> {
      try {
        JniUtils.setNumThreads(threads);
        result.set(new TrialRunner(TrialResources.shared()).run(spec, device, null));
      } catch (Throwable t) {
        crash.set(t);
      } finally {
        if (gpu != null) {
          gpu.close();
        }
      }
    }, "slicelab-trial-" + spec.trialId().substring(0, 12));
    running[0] = worker;
    worker.setDaemon(true);
    worker.start();
    try {
      worker.join(timeoutSeconds * 1000L);
      if (!worker.isAlive()) {
        if (crash.get() != null) {
          return TrialResult.failure(spec, TrialStatus.FAILED, crash.get(), Map.of(),
              Provenance.of(device));
        }
        return result.get();
      }
      worker.interrupt();
      long interrupted = System.currentTimeMillis();
      worker.join(STOP_GRACE_MILLIS);
      String fate = worker.isAlive()
          ? "it did not stop within " + STOP_GRACE_MILLIS / 1000 + " s of an interrupt and was "
              + "abandoned (it may keep using CPU/GPU until the executor exits)"
          : "it stopped " + (System.currentTimeMillis() - interrupted) + " ms after an interrupt";
      Map<String, Object> metrics = new LinkedHashMap<>();
      metrics.put("trial_seconds", (System.currentTimeMillis() - started) / 1000.0);
      return TrialResult.failure(spec, TrialStatus.TIMEOUT, new TrialTimeout("trial "
          + spec.trialId().substring(0, 12) + " exceeded --trial-timeout of " + timeoutSeconds
          + " s; " + fate), metrics, Provenance.of(device));
    } catch (InterruptedException e) {
      // the Spark task is being killed (job cancelled, driver gone): stop the trial too
      worker.interrupt();
      Thread.currentThread().interrupt();
      throw new TaskInterrupted(e);
    }
  }

  /**
   * A CUDA error broke this JVM's CUDA context ({@link DeviceErrors}). A cluster executor ends
   * itself with {@link DeviceErrors#EXIT_CODE} (the error goes to its stderr first): the cluster
   * manager replaces it, Spark retries the trial, and a trial that does it in every attempt is
   * recorded by the driver as {@code crashed} ({@link TaskFailure}). An executor inside the
   * driver ({@code local[*]}) cannot end itself without losing the sweep: the row stays
   * {@code failed}, with a note; returns the error text for that row.
   */
  private static String afterDeviceError(TrialSpec spec, String executorId, String error) {
    String trial = "trial " + spec.trialId().substring(0, 12);
    if (executorId != null && !executorId.equals(SparkContext$.MODULE$.DRIVER_IDENTIFIER())) {
      System.err.println("[slicelab] " + trial + " hit a CUDA error that breaks this executor's "
          + "CUDA context; ending executor " + executorId + " (exit code "
          + DeviceErrors.EXIT_CODE + ") so that Spark retries the trial on a fresh one:\n"
          + error);
      System.err.flush();
      Runtime.getRuntime().halt(DeviceErrors.EXIT_CODE);
    }
    return error + "\n[slicelab] a CUDA error in a local-mode executor: this JVM's CUDA context "
        + "may be broken, so later trials of this run may fail too; rerun them with "
        + "--retry-failed (a cluster executor would have ended itself and been replaced)";
  }

  private static String[] gpuAddresses(TaskContext context) {
    if (context == null) {
      return new String[0];
    }
    Map<String, ResourceInformation> resources = context.resourcesJMap();
    ResourceInformation gpu = resources == null ? null : resources.get("gpu");
    return gpu == null ? new String[0] : gpu.addresses();
  }

  private static int gpuIndex(String address, int visible) {
    int index;
    try {
      index = Integer.parseInt(address.trim());
    } catch (NumberFormatException e) {
      throw new IllegalStateException("GPU address '" + address + "' is not a device index; the "
          + "discovery script must print indices as nvidia-smi --query-gpu=index does", e);
    }
    if (index < 0 || index >= visible) {
      throw new IllegalStateException("GPU address " + index + " is outside the " + visible
          + " GPU(s) the PyTorch engine sees (CUDA_VISIBLE_DEVICES set on the executor? Spark "
          + "addresses must be CUDA ordinals; keep CUDA_DEVICE_ORDER=PCI_BUS_ID)");
    }
    return index;
  }

  private static Map<String, String> provenance(Device device) {
    return withSpark(Provenance.of(device));
  }

  /** {@code provenance} plus the Spark version this task runs on. */
  private static Map<String, String> withSpark(Map<String, String> provenance) {
    Map<String, String> p = new LinkedHashMap<>(provenance);
    p.put("spark_version", org.apache.spark.package$.MODULE$.SPARK_VERSION());
    return p;
  }

  /** The trial's time limit ran out. */
  static final class TrialTimeout extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TrialTimeout(String message) {
      super(message, null, false, false);
    }
  }

  /** The Spark task was interrupted while waiting for its trial. */
  static final class TaskInterrupted extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TaskInterrupted(InterruptedException cause) {
      super("task interrupted while running a trial", cause);
    }
  }
}
