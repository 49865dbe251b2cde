package org.slicelab.spark.cli;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slicelab.ablations.data.Datasets;
import org.slicelab.ablations.trial.DataSizes;
import org.slicelab.ablations.trial.TrialResult;
import org.slicelab.ablations.trial.TrialRunner;
import org.slicelab.ablations.trial.TrialSpec;
import org.slicelab.ablations.trial.TrialValidator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/** {@code slicelab trial}: fine-tune and evaluate one configuration in this JVM. */
@Command(name = "trial", mixinStandardHelpOptions = true,
    description = "Fine-tune and evaluate one trial; prints its result as one JSON line.")
public final class TrialCommand implements Callable<Integer> {

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec command;

  @Option(names = "--save-model", paramLabel = "DIR",
      description = "write the merged model as model.safetensors + config.json into DIR")
  private Path saveModel;

  @Option(names = "--device", paramLabel = "DEVICE", defaultValue = DeviceOption.AUTO,
      description = DeviceOption.HELP)
  private String device;

  @Override
  public Integer call() {
    ParseResult parsed = command.commandLine().getParseResult();
    TrialSpec spec = TrialOptions.parse(parsed);
    Device onDevice = DeviceOption.parse(device);
    if (saveModel != null) {
      checkWritable(saveModel);
    }
    TrialValidator.check(spec, TrialOptions.given(parsed).keySet());
    System.err.println("[slicelab] trial " + spec.trialId().substring(0, 12) + ": " + spec);
    DataSizes.of(spec, Datasets.get(spec.dataset()).splits()).capNotes(spec)
        .forEach(note -> System.err.println("[slicelab] " + note));
    TrialResult result = new TrialRunner().run(spec, onDevice, saveModel);
    if (result.error() != null) {
      System.err.println(result.error());
    }
    System.out.println(result.toSummaryJson());
    return result.status() == org.slicelab.ablations.trial.TrialStatus.OK ? 0 : 1;
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
