package org.slicelab.spark.cli;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slicelab.ablations.trial.TrialResult;
import org.slicelab.ablations.trial.TrialRunner;
import org.slicelab.ablations.trial.TrialSpec;
import org.slicelab.ablations.trial.TrialValidator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code slicelab trial}: fine-tune and evaluate one configuration in this JVM. */
@Command(name = "trial", mixinStandardHelpOptions = true,
    description = "Fine-tune and evaluate one trial; prints its result as one JSON line.")
public final class TrialCommand implements Callable<Integer> {

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec command;

  @Option(names = "--save-model", paramLabel = "DIR",
      description = "write the merged model as model.safetensors + config.json into DIR")
  private Path saveModel;

  @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "cpu",
      description = "cpu or gpu:N (default: ${DEFAULT-VALUE})")
  private String device;

  @Override
  public Integer call() {
    TrialSpec spec = TrialOptions.parse(command.commandLine().getParseResult());
    if (saveModel != null) {
      checkWritable(saveModel);
    }
    TrialValidator.check(spec);
    System.err.println("[slicelab] trial " + spec.trialId().substring(0, 12) + ": " + spec);
    TrialResult result = new TrialRunner().run(spec, parseDevice(device), saveModel);
    if (result.error() != null) {
      System.err.println(result.error());
    }
    System.out.println(result.toSummaryJson());
    return result.status() == org.slicelab.ablations.trial.TrialStatus.OK ? 0 : 1;
  }

  static Device parseDevice(String value) {
    if (value.equals("cpu")) {
      return Device.cpu();
    }
    if (value.matches("gpu:\\d+")) {
      return Device.gpu(Integer.parseInt(value.substring(4)));
    }
    throw new IllegalArgumentException("option '--device' = " + value
        + " is invalid: must be cpu or gpu:N");
  }

  private static void checkWritable(Path dir) {
    try {
      Files.createDirectories(dir);
      Path probe = Files.createTempFile(dir, ".write-check", "");
      Files.delete(probe);
    } catch (IOException | SecurityException e) {
      throw new IllegalArgumentException("option '--save-model' = " + dir
          + " is not a writable directory (" + e.getMessage() + ")");
    }
  }
}
