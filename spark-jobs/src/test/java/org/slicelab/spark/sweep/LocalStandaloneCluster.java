package org.slicelab.spark.sweep;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Spark standalone cluster for tests: Spark's own {@code Master} and {@code Worker}
 * classes in child JVMs on loopback addresses, with a bare Spark home (executors get Spark and
 * SliceLab from {@code spark.executor.extraClassPath}). Workers launch executors as further
 * JVMs, which tests can find and kill. Workers on different loopback addresses (127.0.0.1,
 * 127.0.0.2, ...) are different hosts to Spark's scheduler and its node exclusion.
 */
final class LocalStandaloneCluster implements AutoCloseable {
  private static final String EXECUTOR_MAIN = "CoarseGrainedExecutorBackend";

  private final Path dir;
  private final List<Process> processes = new ArrayList<>();
  private final String masterUrl;

  /** A started worker. */
  record Worker(String name, String host, Process process) {
    /** {@code kill -9} of the worker and every executor it launched: the node is lost. */
    void kill9() throws InterruptedException {
      List<ProcessHandle> children = process.descendants().toList();
      LocalStandaloneCluster.kill9(process.toHandle());
      for (ProcessHandle child : children) {
        LocalStandaloneCluster.kill9(child);
      }
    }

    /** The executor JVMs this worker launched that are alive now. */
    List<ProcessHandle> executors() {
      return process.descendants().filter(ProcessHandle::isAlive)
          .filter(p -> commandLine(p).contains(EXECUTOR_MAIN))
          .toList();
    }
  }

  /** A process's command line; from /proc when the JDK leaves the arguments out (long ones). */
  static String commandLine(ProcessHandle p) {
    String args = p.info().arguments().map(a -> String.join(" ", a)).orElse("");
    if (!args.isEmpty()) {
      return args;
    }
    try {
      return java.nio.file.Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline"))
          .replace('\0', ' ');
    } catch (java.io.IOException | RuntimeException e) {
      return "";
    }
  }

  private LocalStandaloneCluster(Path dir, String masterUrl) {
    this.dir = dir;
    this.masterUrl = masterUrl;
  }

  /** Starts a master on 127.0.0.1 with its logs and work directories under {@code dir}. */
  static LocalStandaloneCluster start(Path dir) throws Exception {
    Files.createDirectories(dir.resolve("spark-home/jars"));
    int port = freePort();
    LocalStandaloneCluster cluster = new LocalStandaloneCluster(dir, "spark://127.0.0.1:" + port);
    Process master = cluster.launch("master", "127.0.0.1", List.of(), "org.apache.spark.deploy.master.Master",
        "--host", "127.0.0.1", "--port", String.valueOf(port), "--webui-port",
        String.valueOf(freePort()));
    cluster.waitForPort(port, master, "master");
    return cluster;
  }

  /** {@code spark://127.0.0.1:PORT}. */
  String masterUrl() {
    return masterUrl;
  }

  /**
   * Starts a worker on {@code host} offering {@code cores} cores and waits until it has
   * registered with the master.
   *
   * @param props extra {@code -D} settings of the worker JVM (e.g. GPU resources)
   */
  Worker addWorker(String name, String host, int cores, String memory, List<String> props)
      throws Exception {
    Worker worker = launchWorker(name, host, cores, memory, props);
    awaitRegistered(worker);
    return worker;
  }

  /** Starts one worker per host at once ({@code NAME-0}, {@code NAME-1}, ...) and waits for all. */
  List<Worker> addWorkers(String name, List<String> hosts, int cores, String memory)
      throws Exception {
    List<Worker> workers = new ArrayList<>();
    for (int i = 0; i < hosts.size(); i++) {
      workers.add(launchWorker(name + "-" + i, hosts.get(i), cores, memory, List.of()));
    }
    for (Worker w : workers) {
      awaitRegistered(w);
    }
    return workers;
  }

  private Worker launchWorker(String name, String host, int cores, String memory,
      List<String> props) throws IOException {
    Process process = launch(name, host, props, "org.apache.spark.deploy.worker.Worker", "--host",
        host, "--cores", String.valueOf(cores), "--memory", memory, "--webui-port",
        String.valueOf(freePort()), "--work-dir", dir.resolve("work-" + name).toString(),
        masterUrl);
    return new Worker(name, host, process);
  }

  private void awaitRegistered(Worker worker) throws Exception {
    waitForLog(log(worker.name()), "Successfully registered with master", worker.process(),
        worker.name());
  }

  /** The log file of a master or worker. */
  Path log(String name) {
    return dir.resolve(name + ".log");
  }

  /**
   * The arguments of a sweep on this cluster: driver on 127.0.0.1, executors with the test
   * classpath and JVM flags, no UI, then {@code conf} ({@code --conf} values) and {@code extra}.
   */
  List<String> sweepArgs(Path grid, String out, List<String> conf, String... extra) {
    List<String> args = new ArrayList<>(List.of("sweep", "--grid", grid.toString(), "--out", out,
        "--master", masterUrl));
    List<String> settings = new ArrayList<>(List.of("spark.driver.host=127.0.0.1",
        "spark.driver.bindAddress=127.0.0.1",
        "spark.executor.extraClassPath=" + SweepTestSupport.classpath(),
        "spark.executor.extraJavaOptions=" + String.join(" ", SweepTestSupport.jvmFlags()),
        "spark.ui.enabled=false"));
    settings.addAll(conf);
    for (String setting : settings) {
      args.addAll(List.of("--conf", setting));
    }
    args.addAll(List.of(extra));
    return args;
  }

  /** Stops every process of the cluster (executors included), newest first. */
  @Override
  public void close() throws InterruptedException {
    for (int i = processes.size() - 1; i >= 0; i--) {
      Process p = processes.get(i);
      List<ProcessHandle> children = p.descendants().toList();
      p.destroy();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
      children.forEach(ProcessHandle::destroyForcibly);
    }
  }

  /** {@code kill -9} of a process and waits until it is gone. */
  static void kill9(ProcessHandle process) throws InterruptedException {
    process.destroyForcibly();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (process.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    if (process.isAlive()) {
      fail("process " + process.pid() + " survived SIGKILL");
    }
  }

  /** The {@code --executor-id} an executor JVM was started with. */
  static String executorId(ProcessHandle executor) {
    // the same source as commandLine(..): the JDK leaves long argument lists out
    String[] args = commandLine(executor).split(" ");
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals("--executor-id")) {
        return args[i + 1];
      }
    }
    throw new IllegalStateException("no --executor-id in the command of " + executor.pid());
  }

  private Process launch(String name, String host, List<String> props, String mainClass,
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
        .redirectOutput(log(name).toFile());
    builder.environment().put("SPARK_HOME", dir.resolve("spark-home").toString());
    builder.environment().put("SPARK_LOCAL_IP", host); // executors inherit it
    builder.environment().put("SPARK_SCALA_VERSION", "2.13");
    Process process = builder.start();
    processes.add(process);
    return process;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private void waitForPort(int port, Process process, String name) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        fail(name + " exited:\n" + SweepTestSupport.tail(log(name), 30));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException e) {
        Thread.sleep(250);
      }
    }
    fail(name + " did not open port " + port + ":\n" + SweepTestSupport.tail(log(name), 30));
  }

  private static void waitForLog(Path log, String text, Process process, String name)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
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
