package org.slicelab.spark.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.spark.results.ResultTables;

/**
 * A real Spark standalone cluster on 127.0.0.1: Spark's own {@code Master} and {@code Worker}
 * classes in child JVMs, the worker offering two (fake) GPU addresses through a discovery
 * script; executors are launched by the worker as further JVMs. The sweep driver is this JVM.
 */
class StandaloneClusterTest {
  @TempDir
  static Path dir;

  private static final List<Process> PROCESSES = new ArrayList<>();
  private static String masterUrl;

  @BeforeAll
  static void startCluster() throws Exception {
    Path sparkHome = Files.createDirectories(dir.resolve("spark-home"));
    Files.createDirectories(sparkHome.resolve("jars")); // executors get Spark from extraClassPath
    Path discovery = dir.resolve("fake-gpus.sh");
    Files.writeString(discovery,
        "#!/usr/bin/env bash\necho '{\"name\":\"gpu\",\"addresses\":[\"0\",\"1\"]}'\n");
    Files.setPosixFilePermissions(discovery, PosixFilePermissions.fromString("rwxr-xr-x"));

    int port = freePort();
    masterUrl = "spark://127.0.0.1:" + port;
    Process master = start("master", List.of(), "org.apache.spark.deploy.master.Master",
        "--host", "127.0.0.1", "--port", String.valueOf(port), "--webui-port",
        String.valueOf(freePort()));
    waitForPort(port, master, "master");
    Process worker = start("worker", List.of("-Dspark.worker.resource.gpu.amount=2",
        "-Dspark.worker.resource.gpu.discoveryScript=" + discovery),
        "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "2",
        "--memory", "3g", "--webui-port", String.valueOf(freePort()), "--work-dir",
        dir.resolve("work").toString(), masterUrl);
    waitForLog(dir.resolve("worker.log"), "Successfully registered with master", worker,
        "worker");
  }

  @AfterAll
  static void stopCluster() throws InterruptedException {
    for (int i = PROCESSES.size() - 1; i >= 0; i--) {
      Process p = PROCESSES.get(i);
      List<ProcessHandle> children = p.descendants().toList();
      p.destroy();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
      children.forEach(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  void sweepOnClusterGetsDistinctGpusForConcurrentTrialsAndFallsBackToCpu() {
    Path grid = SweepTestSupport.writeGrid(dir, "cluster.conf", "name = cluster\n"
        + SweepTestSupport.TINY
        + "panels { p { fixed { method = head }, axes { seeds = [1, 2, 3, 4] } } }\n");
    String out = dir.resolve("fallback").toString();
    SweepTestSupport.CliRun run = sweep(grid, out, "--allow-cpu-fallback");
    assertEquals(0, run.exitCode(), run.stderr());
    assertEquals(4, run.json().get("ok"), run.stderr() + "\nworker log:\n"
        + SweepTestSupport.tail(dir.resolve("worker.log"), 30));

    SweepTestSupport.withSpark(spark -> {
      List<Row> rows = ResultTables.trials(spark, out).collectAsList();
      assertEquals(4, rows.size());
      for (Row r : rows) {
        assertEquals("ok", r.getAs("status"));
        assertTrue(Set.of("0", "1").contains((String) r.getAs("gpu_address")),
            "gpu_address = " + r.getAs("gpu_address"));
        assertEquals(true, r.getAs("cpu_fallback"));
        assertEquals("cpu()", r.getAs("device"));
        assertNotEquals("driver", r.getAs("executor_id"), "ran on a worker's executor");
        assertEquals(masterUrl, r.getAs("spark_master"));
      }
      int overlapping = 0;
      for (int i = 0; i < rows.size(); i++) {
        for (int j = i + 1; j < rows.size(); j++) {
          Row a = rows.get(i);
          Row b = rows.get(j);
          boolean concurrent = ((Timestamp) a.getAs("started_at")).before(b.getAs("finished_at"))
              && ((Timestamp) b.getAs("started_at")).before(a.getAs("finished_at"));
          if (concurrent) {
            overlapping++;
            assertNotEquals((String) a.getAs("gpu_address"), b.getAs("gpu_address"),
                "concurrent trials must hold different GPUs");
          }
        }
      }
      assertTrue(overlapping >= 1, "two task slots: some trials ran concurrently");
      return null;
    });

    String strict = dir.resolve("strict").toString();
    SweepTestSupport.CliRun noFallback = sweep(grid, strict);
    assertEquals(0, noFallback.exitCode(), noFallback.stderr());
    assertEquals(4, noFallback.json().get("failed"), noFallback.stderr());
    SweepTestSupport.withSpark(spark -> {
      Map<String, Long> errors = ResultTables.trials(spark, strict).collectAsList().stream()
          .collect(Collectors.groupingBy(r -> {
            String e = r.getAs("error");
            assertTrue(e.contains("sees no GPU") && e.contains("--allow-cpu-fallback")
                && e.contains("-Pgpu"), e);
            return (String) r.getAs("status") + "/" + r.getAs("gpu_address");
          }, Collectors.counting()));
      assertEquals(4, errors.values().stream().mapToLong(Long::longValue).sum());
      assertTrue(errors.keySet().stream().allMatch(k -> k.matches("failed/[01]")),
          errors.toString());
      return null;
    });
  }

  private static SweepTestSupport.CliRun sweep(Path grid, String out, String... extra) {
    List<String> args = new ArrayList<>(List.of("sweep", "--grid", grid.toString(), "--out", out,
        "--master", masterUrl,
        "--conf", "spark.driver.host=127.0.0.1",
        "--conf", "spark.driver.bindAddress=127.0.0.1",
        "--conf", "spark.executor.cores=2",
        "--conf", "spark.executor.memory=1500m",
        "--conf", "spark.executor.resource.gpu.amount=2",
        "--conf", "spark.task.resource.gpu.amount=1",
        "--conf", "spark.executor.extraClassPath=" + SweepTestSupport.classpath(),
        "--conf", "spark.executor.extraJavaOptions="
            + String.join(" ", SweepTestSupport.jvmFlags()),
        "--conf", "spark.ui.enabled=false"));
    args.addAll(List.of(extra));
    return SweepTestSupport.cli(args.toArray(String[]::new));
  }

  private static Process start(String name, List<String> props, String mainClass,
      String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(SweepTestSupport.java());
    // Spark's default logging (INFO) so that registration can be seen in the log
    SweepTestSupport.jvmFlags().stream().filter(f -> !f.startsWith("-Dlog4j2.configurationFile"))
        .forEach(command::add);
    command.add("-Xmx512m");
    command.addAll(props);
    command.addAll(List.of("-cp", SweepTestSupport.classpath(), mainClass));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile());
    builder.environment().put("SPARK_HOME", dir.resolve("spark-home").toString());
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    builder.environment().put("SPARK_SCALA_VERSION", "2.13");
    Process process = builder.start();
    PROCESSES.add(process);
    return process;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void waitForPort(int port, Process process, String name) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        fail(name + " exited:\n" + SweepTestSupport.tail(dir.resolve(name + ".log"), 30));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException e) {
        Thread.sleep(250);
      }
    }
    fail(name + " did not open port " + port + ":\n"
        + SweepTestSupport.tail(dir.resolve(name + ".log"), 30));
  }

  private static void waitForLog(Path log, String text, Process process, String name)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        fail(name + " exited:\n" + SweepTestSupport.tail(log, 30));
      }
      if (Files.exists(log) && Files.readString(log).contains(text)) {
        return;
      }
      Thread.sleep(250);
    }
    fail(name + " never logged '" + text + "':\n" + SweepTestSupport.tail(log, 30));
  }
}
