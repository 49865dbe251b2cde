package org.slicelab.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line rejects bad options before any work, naming the option. */
class CommandLineTest {

  private record Run(int code, String out, String err) {
    String lastLine() {
      String[] lines = out.strip().split("\n");
      return lines[lines.length - 1];
    }
  }

  private static Run run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = SliceLab.run(args);
      return new Run(code, out.toString(StandardCharsets.UTF_8),
          err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  private static void assertRejected(String option, String... args) {
    Run run = run(args);
    assertTrue(run.code() != 0, "exit code must be non-zero for " + String.join(" ", args));
    String all = run.out() + run.err();
    assertTrue(all.contains(option), "the error must name " + option + ": " + all);
    assertTrue(run.lastLine().startsWith("{") && run.lastLine().contains("\"error\""),
        "the last stdout line is a JSON error: " + run.out());
  }

  @Test
  void everyCommandsHelpRendersWithoutFormatWarnings() {
    for (String command : new String[] {"trial", "sweep", "report", "figure2", "bench"}) {
      Run run = run(command, "--help");
      assertEquals(0, run.code(), command + " --help");
      assertTrue(run.out().contains("Usage: slicelab " + command), run.out());
      // picocli formats descriptions with String.format: a bare '%' breaks the help text
      assertTrue(!run.err().contains("picocli WARN") && !run.out().contains("picocli WARN"),
          command + " --help warns: " + run.err());
    }
  }

  @Test
  void unknownMethodIsRejected() {
    assertRejected("method", "trial", "--method", "adapterfusion");
  }

  @Test
  void negativeSizesAreRejected() {
    assertRejected("train_size", "trial", "--train-size", "-5");
    assertRejected("epochs", "trial", "--epochs", "0");
  }

  @Test
  void trainSizeLargerThanTheSplitIsRejected() {
    assertRejected("train_size", "trial", "--train-size", "100000");
  }

  @Test
  void unwritableOutputPathIsRejected(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    assertRejected("--save-model", "trial", "--save-model", file.resolve("model").toString());
  }

  @Test
  void wrongTypeAndUnknownOptionAreUsageErrors() {
    Run typo = run("trial", "--rnak", "4");
    assertEquals(2, typo.code());
    assertTrue(typo.err().contains("--rnak"), typo.err());
    Run type = run("trial", "--rank", "four");
    assertEquals(2, type.code());
    assertTrue(type.err().contains("--rank"), type.err());
    Run allocator = run("bench", "--peer-allocator", "hoard");
    assertEquals(2, allocator.code());
    assertTrue(allocator.err().contains("--peer-allocator") && allocator.err().contains("SLICELAB"),
        allocator.err());
  }

  @Test
  void benchRefusesImagesTooSmallForTheNetworkBeforeAnyWork() {
    assertRejected("option '--image-size'", "bench", "--backbone", "mobilenet-v2",
        "--image-size", "16");
  }

  @Test
  void helpListsEveryTrialOptionWithItsDefault() {
    Run help = run("trial", "--help");
    assertEquals(0, help.code());
    for (String option : org.slicelab.ablations.trial.TrialSpec.fieldNames()) {
      assertTrue(help.out().contains(TrialOptions.flag(option)), option);
    }
    assertTrue(help.out().contains("(default: 200)"), "defaults are shown");
  }
}
