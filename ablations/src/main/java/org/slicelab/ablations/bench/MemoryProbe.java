package org.slicelab.ablations.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slicelab.ablations.train.Autograd;
import org.slicelab.ablations.trial.TrialResources;

/**
 * Peak memory of one method, measured in a fresh child JVM so that methods do not share an
 * allocator's high-water mark.
 *
 * <p>The child loads everything every method needs (engine, pretrained weights on the Java heap,
 * encoded batches), runs a full GC and reads its RSS: the <em>baseline</em>. It then resets
 * the kernel's peak-RSS mark ({@code /proc/self/clear_refs}), builds the classifier, attaches the
 * method (SIFT: its selection probe), creates the AdamW state and runs a few training steps, and
 * reads the peak ({@code VmHWM}). {@code native_peak_bytes = VmHWM - baseline} is what training
 * this method adds to a process: model copy, adapters, gradients, optimizer state, activations
 * and whatever glibc keeps cached, i.e. what the kernel had to back with RAM. The Java heap is
 * reported separately as the sum of the heap pools' peak usage over the same interval (an upper
 * bound: pools peak at different times). PyTorch's CPU allocator keeps no statistics reachable
 * through DJL, so RSS is the honest native figure.
 */
public final class MemoryProbe {
  /** Prefix of the result line the child prints on stdout. */
  static final String PREFIX = "SLICELAB_MEMORY_PROBE ";
  private static final ObjectMapper JSON = new ObjectMapper();

  private MemoryProbe() {
  }

  /** Child entry point: {@code label batchSize maxLen imageSize steps threads backbone}. */
  public static void main(String[] args) throws Exception {
    String label = args[0];
    int batchSize = Integer.parseInt(args[1]);
    int maxLen = Integer.parseInt(args[2]);
    int imageSize = Integer.parseInt(args[3]);
    int steps = Integer.parseInt(args[4]);
    int threads = Integer.parseInt(args[5]);
    String backbone = args[6];
    Autograd.ensureEngine();
    if (threads > 0) {
      ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
    }
    BenchMethod method = BenchMethod.parse(label, batchSize, maxLen, imageSize, backbone);
    BenchData data = BenchData.load(backbone, batchSize, maxLen, imageSize,
        BenchRunner.DISTINCT_BATCHES, BenchRunner.DATA_SEED);
    TrialResources.shared().backbone(backbone).weights();
    System.gc();
    Thread.sleep(200);
    long baseline = ProcStats.rssBytes();
    long heapBaseline = heapUsed();
    boolean reset = ProcStats.resetPeak();
    ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    Map<String, Object> out = new LinkedHashMap<>();
    try (BenchCase c = new BenchCase(method, data.batch(0), data.labelNames().size())) {
      c.createOptimizer();
      long ready = ProcStats.rssBytes();
      for (int s = 0; s < steps; s++) {
        c.step(data.batch(s));
      }
      long peak = ProcStats.peakRssBytes();
      out.put("method", label);
      out.put("baseline_rss_bytes", baseline);
      out.put("ready_rss_bytes", ready);
      out.put("peak_rss_bytes", peak);
      out.put("native_peak_bytes", reset ? peak - baseline : -1);
      out.put("setup_rss_bytes", ready - baseline);
      out.put("heap_baseline_bytes", heapBaseline);
      out.put("heap_peak_bytes", heapPeak());
      out.put("peak_reset", reset);
      out.put("steps", steps);
    }
    System.out.println(PREFIX + JSON.writeValueAsString(out));
    System.out.flush();
    System.exit(0);
  }

  private static long heapUsed() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static long heapPeak() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  /**
   * Runs the probe for {@code label} on {@code backbone} in a child JVM with this JVM's flags,
   * class path and environment (its stderr appended to {@code errorLog}); returns its result
   * map, or a map with {@code error}.
   */
  public static Map<String, Object> runChild(String label, String backbone, int batchSize,
      int maxLen, int imageSize, int steps, int threads, long timeoutSeconds,
      java.nio.file.Path errorLog) {
    List<String> cmd = new ArrayList<>();
    cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!arg.startsWith("-agentlib") && !arg.startsWith("-javaagent")) {
        cmd.add(arg);
      }
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(MemoryProbe.class.getName());
    cmd.add(label);
    cmd.add(Integer.toString(batchSize));
    cmd.add(Integer.toString(maxLen));
    cmd.add(Integer.toString(imageSize));
    cmd.add(Integer.toString(steps));
    cmd.add(Integer.toString(threads));
    cmd.add(backbone);
    Map<String, Object> result = new LinkedHashMap<>();
    try {
      Process p = new ProcessBuilder(cmd)
          .redirectError(ProcessBuilder.Redirect.appendTo(errorLog.toFile())).start();
      String line;
      String found = null;
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        while ((line = r.readLine()) != null) {
          if (line.startsWith(PREFIX)) {
            found = line.substring(PREFIX.length());
          }
        }
      }
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        result.put("error", "memory probe timed out");
        return result;
      }
      if (found == null) {
        result.put("error", "memory probe exited " + p.exitValue() + " without a result");
        return result;
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> parsed = JSON.readValue(found, LinkedHashMap.class);
      return parsed;
    } catch (IOException e) {
      result.put("error", "memory probe failed: " + e.getMessage());
      return result;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result.put("error", "interrupted");
      return result;
    }
  }
}
