package org.slicelab.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.ablations.data.Dataset;
import org.slicelab.ablations.data.DatasetSplits;
import org.slicelab.ablations.data.Datasets;
import org.slicelab.ablations.model.Modality;
import org.slicelab.ablations.trial.TrialSpec;
import org.slicelab.spark.sweep.SweepTestSupport;

/**
 * {@code slicelab trial} as a newcomer meets it: the default sizes run on every built-in data
 * set (sizes a user gives must still fit), and a CPU run says nothing about GPUs.
 */
class TrialDefaultsTest {
  @TempDir
  Path dir;

  @Test
  void theDefaultSizesRunOnEveryBuiltInDataSet() {
    for (String name : Datasets.builtInNames()) {
      // the sizes are the defaults; only the work per example is made small (a backbone of the
      // data set's kind: a text encoder cuts texts to 8 tokens, MobileNetV2 reads 32 px images)
      boolean images = Datasets.get(name).modality() == Modality.IMAGE;
      SweepTestSupport.CliRun run = images
          ? SweepTestSupport.cli("trial", "--dataset", name, "--backbone", "mobilenet-v2",
              "--method", "head", "--epochs", "1", "--image-size", "32")
          : SweepTestSupport.cli("trial", "--dataset", name, "--method", "head", "--epochs",
              "1", "--max-len", "8");
      assertEquals(0, run.exitCode(), name + ": " + run.stderr());
      Map<String, Object> json = run.json();
      assertEquals("ok", json.get("status"), name);
      DatasetSplits splits = Datasets.get(name).splits();
      assertEquals(Math.min(200, splits.train().size()), json.get("train_examples"), name);
      assertEquals(Math.min(400, splits.validation().size()), json.get("val_examples"), name);
      assertEquals(Math.min(800, splits.test().size()), json.get("test_examples"), name);
    }
  }

  @Test
  void sizesAUserGivesMustStillFit() {
    Dataset sentiment = Datasets.get(Datasets.SENTIMENT);
    int test = sentiment.splits().test().size();
    assertTrue(test < 800, "the case of issue 23: " + test);
    for (String size : new String[] {"800", String.valueOf(test + 1)}) {
      SweepTestSupport.CliRun run = SweepTestSupport.cli("trial", "--dataset",
          Datasets.SENTIMENT, "--test-size", size);
      assertEquals(SliceLab.EXIT_BAD_INPUT, run.exitCode(), run.stderr());
      assertEquals("trial option 'test_size' = " + size + " is invalid: must be at most " + test
          + " (the test split)", run.json().get("error"));
    }
  }

  @Test
  void aCpuTrialSaysNothingAboutGpus() throws Exception {
    // a fresh JVM: DJL probes the GPUs once per JVM, when it loads its native libraries
    List<String> command = new ArrayList<>();
    command.add(SweepTestSupport.java());
    command.addAll(SweepTestSupport.jvmFlags());
    command.addAll(List.of("-cp", SweepTestSupport.classpath(), SliceLab.class.getName(),
        "trial", "--method", "head", "--train-size", "16", "--val-size", "16", "--test-size",
        "16", "--epochs", "1", "--max-len", "8"));
    Path log = dir.resolve("trial.log");
    Process trial = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    assertTrue(trial.waitFor(300, TimeUnit.SECONDS), SweepTestSupport.tail(log, 20));
    String output = java.nio.file.Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(0, trial.exitValue(), output);
    assertTrue(output.contains("\"status\":\"ok\""), output);
    assertTrue(!output.toLowerCase(Locale.ROOT).contains("gpu")
        && !output.contains("CudaUtils"), "nothing about GPUs on a CPU run:\n" + output);
  }

  @Test
  void askingForAGpuThatIsNotThereIsOneClearLine() {
    assumeTrue(Engine.getEngine("PyTorch").getGpuCount() == 0, "this machine has a GPU");
    for (String device : new String[] {"gpu", "gpu:1"}) {
      SweepTestSupport.CliRun run = SweepTestSupport.cli("trial", "--device", device,
          "--epochs", "1");
      assertEquals(SliceLab.EXIT_BAD_INPUT, run.exitCode(), run.stderr());
      List<String> lines = run.stderr().lines().filter(l -> !l.isBlank()).toList();
      assertEquals(1, lines.size(), "one line: " + run.stderr());
      assertTrue(lines.get(0).startsWith("error: option '--device' = " + device)
          && lines.get(0).contains("no GPU") && lines.get(0).contains("--device cpu"),
          lines.get(0));
    }
  }

  @Test
  void deviceAutoIsTheDefaultAndTakesTheCpuWhenTheEngineSeesNoGpu() {
    assumeTrue(Engine.getEngine("PyTorch").getGpuCount() == 0, "this machine has a GPU");
    assertEquals(ai.djl.Device.cpu(), DeviceOption.parse(DeviceOption.AUTO));
    assertEquals(ai.djl.Device.cpu(), DeviceOption.parse("cpu"));
    IllegalArgumentException bad = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> DeviceOption.parse("cuda"));
    assertEquals("option '--device' = cuda is invalid: must be auto, cpu, gpu or gpu:N",
        bad.getMessage());
    for (String command : List.of("trial", "bench")) {
      String help = SweepTestSupport.cli(command, "--help").stdout();
      assertTrue(help.contains("--device") && help.contains("default: auto"), help);
    }
  }

  @Test
  void theHelpSaysHowDefaultSizesFit() {
    String help = TrialSpec.options().get("test_size").help();
    assertTrue(help.contains("whole") && help.contains("fit"), help);
  }
}
