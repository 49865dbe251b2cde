package org.slicelab.spark.sweep;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.commons.io.output.TeeOutputStream;
import org.apache.spark.sql.SparkSession;
import org.slicelab.spark.cli.SliceLab;

/** Helpers shared by the sweep, grid and results tests. */
public final class SweepTestSupport {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The repository root (holds conf/). */
  public static final Path ROOT = findRoot();

  static {
    // Quiet Spark: the project's log4j2 config (warn, SliceLab info, stderr).
    System.setProperty("log4j2.configurationFile",
        ROOT.resolve("conf/log4j2.properties").toString());
    org.apache.logging.log4j.core.config.Configurator.reconfigure(
        ROOT.resolve("conf/log4j2.properties").toUri());
  }

  private SweepTestSupport() {
  }

  private static Path findRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("conf/grids"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("cannot find the repository root (conf/grids)");
    }
    return dir;
  }

  /** Tiny-trial defaults block for grids written by tests. */
  public static final String TINY = "defaults { train_size = 16, val_size = 16, test_size = 16, "
      + "max_len = 32, epochs = 1, batch_size = 8 }\n";

  /** Writes a grid file. */
  public static Path writeGrid(Path dir, String name, String text) {
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve(name);
      Files.writeString(file, text);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The result of running the command line in this JVM. */
  public record CliRun(int exitCode, String stdout, String stderr) {
    /** The last stdout line parsed as a JSON object. */
    public Map<String, Object> json() {
      List<String> lines = stdout.lines().filter(l -> !l.isBlank()).toList();
      try {
        return JSON.readValue(lines.get(lines.size() - 1), new TypeReference<>() { });
      } catch (IOException e) {
        throw new UncheckedIOException("stdout is not JSON: " + stdout, e);
      }
    }
  }

  /** Runs {@code slicelab ARGS} in this JVM, capturing stdout and stderr (echoed to stderr). */
  public static synchronized CliRun cli(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(stdout, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(new TeeOutputStream(stderr, err), true, StandardCharsets.UTF_8)) {
      System.setOut(o);
      System.setErr(e);
      code = SliceLab.run(args);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return new CliRun(code, stdout.toString(StandardCharsets.UTF_8),
        stderr.toString(StandardCharsets.UTF_8));
  }

  /** Runs {@code body} with a fresh local Spark session, stopped afterwards. */
  public static <T> T withSpark(Function<SparkSession, T> body) {
    SparkSession spark = SparkSession.builder().master("local[1]").appName("slicelab-test-read")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "1")
        .getOrCreate();
    try {
      return body.apply(spark);
    } finally {
      spark.stop();
    }
  }

  /** JVM flags for child JVMs: conf/jvm.options, one torch thread, the project's logging. */
  public static List<String> jvmFlags() {
    List<String> flags = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(ROOT.resolve("conf/jvm.options"))) {
        if (!line.isBlank() && !line.strip().startsWith("#")) {
          flags.add(line.strip());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    flags.add("-Dai.djl.pytorch.num_threads=1");
    flags.add("-Dai.djl.pytorch.num_interop_threads=1");
    flags.add("-Dlog4j2.configurationFile=" + ROOT.resolve("conf/log4j2.properties"));
    return flags;
  }

  private static String childClasspath;

  /**
   * The test classpath for child JVMs (Surefire's real one, not its manifest-only booter jar),
   * with the module's class directories replaced by a snapshot taken once per test JVM, so that
   * a concurrent rebuild of target/ by someone else cannot pull classes from under a child.
   */
  public static synchronized String classpath() {
    if (childClasspath != null) {
      return childClasspath;
    }
    String cp = System.getProperty("surefire.test.class.path");
    cp = cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    try {
      Path snapshot = Files.createTempDirectory("slicelab-test-classes");
      List<String> entries = new ArrayList<>();
      int n = 0;
      for (String entry : cp.split(java.io.File.pathSeparator)) {
        Path path = Path.of(entry);
        if (Files.isDirectory(path)) {
          Path copy = snapshot.resolve(String.valueOf(n++));
          copyTree(path, copy);
          entries.add(copy.toString());
        } else {
          entries.add(entry);
        }
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(snapshot)));
      childClasspath = String.join(java.io.File.pathSeparator, entries);
      return childClasspath;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (var paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  private static void deleteTree(Path root) {
    try (var paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort
    }
  }

  /**
   * Starts {@code slicelab sweep --grid grid --out out --master local[1]} as a driver JVM of its
   * own (so a test can kill it), its output to {@code log}.
   */
  public static Process startSweepDriver(Path grid, String out, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(java());
    command.addAll(jvmFlags());
    command.addAll(List.of("-cp", classpath(), "org.slicelab.spark.cli.SliceLab",
        "sweep", "--grid", grid.toString(), "--out", out, "--master", "local[1]"));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
        .start();
  }

  /** Kills {@code process} when it is still running and waits up to 30 s for it to end. */
  public static void kill(Process process) throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** {@code $JAVA_HOME/bin/java} of this JVM. */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The last {@code n} lines of a log file, for failure messages. */
  public static String tail(Path file, int n) {
    try {
      List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }
}
