package org.slicelab.spark.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slicelab.ablations.bench.ParquetTable;
import org.slicelab.ablations.premises.PremisesRun;
import org.slicelab.ablations.premises.PremisesSettings;
import org.slicelab.ablations.premises.PremisesSummary;
import org.slicelab.ablations.premises.PremisesTables;
import org.slicelab.ablations.trial.TrialSpec;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code slicelab premises}: measures the premises of the slice hypothesis (spectral balance of
 * slices, task energy of layer inputs, step-0 slice gradient energy) on one (backbone, data set)
 * pair, pretrained and random init, in this JVM; writes the Parquet tables and
 * {@code PREMISES.md} into {@code --out}.
 */
@Command(name = "premises", mixinStandardHelpOptions = true,
    description = "Measure spectral balance, task energy and step-0 slice gradient energy of one "
        + "(backbone, dataset) pair; writes Parquet tables and PREMISES.md; prints one JSON line.")
public final class PremisesCommand implements Callable<Integer> {

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec command;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "output directory (one sub-directory per table, PREMISES.md)")
  private Path out;

  @Option(names = "--ranks", split = ",", paramLabel = "R[,R...]", defaultValue = "1,5,8",
      description = "slice ranks (default: ${DEFAULT-VALUE})")
  private List<Integer> ranks;

  @Option(names = "--positions", paramLabel = "K", defaultValue = "16",
      description = "evenly spaced slice starts per matrix, axis and rank (default: ${DEFAULT-VALUE})")
  private int positions;

  @Option(names = "--random-positions", paramLabel = "N", defaultValue = "4",
      description = "further random starts, seeded by --seed (default: ${DEFAULT-VALUE})")
  private int randomPositions;

  @Option(names = "--null-draws", paramLabel = "N", defaultValue = "20",
      description = "Gaussian matrices per layer shape for the balance null (default: ${DEFAULT-VALUE})")
  private int nullDraws;

  @Override
  public Integer call() {
    TrialSpec spec = TrialOptions.parse(command.commandLine().getParseResult());
    // --targets is the trial option (layer patterns; the default selects every weight layer)
    String targets = String.valueOf(spec.get("targets"));
    PremisesSettings settings = new PremisesSettings(targets, ranks, positions, randomPositions,
        nullDraws);
    checkWritable(out);
    long start = System.nanoTime();
    PremisesTables tables = PremisesRun.measure(spec, settings);
    double seconds = (System.nanoTime() - start) / 1e9;
    for (String name : PremisesTables.NAMES) {
      ParquetTable.write(out.resolve(name).resolve("part-00000.parquet"), name,
          tables.table(name));
    }
    Map<String, Object> about = new LinkedHashMap<>();
    about.put("backbone", spec.backbone());
    about.put("dataset", spec.dataset());
    about.put("train_size", spec.trainSize());
    about.put("seed", spec.seed());
    about.put("ranks", ranks);
    about.put("positions", positions + " evenly spaced + " + randomPositions + " random");
    about.put("null_draws", nullDraws);
    about.put("targets", targets);
    about.put("seconds", String.format(java.util.Locale.ROOT, "%.1f", seconds));
    StringBuilder md = new StringBuilder(PremisesSummary.markdown(tables, about));
    md.append("\n## Cost (wall clock, seconds)\n\n| phase | seconds |\n| --- | --- |\n");
    tables.seconds.forEach((phase, s) -> md.append("| ").append(phase).append(" | ")
        .append(String.format(java.util.Locale.ROOT, "%.1f", s)).append(" |\n"));
    write(out.resolve("PREMISES.md"), md.toString());
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("command", "premises");
    json.put("status", "ok");
    json.put("out", out.toString());
    json.putAll(about);
    json.put("phase_seconds", tables.seconds);
    json.put("summary", PremisesSummary.of(tables));
    System.out.println(JsonLine.of(json));
    return SliceLab.EXIT_OK;
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static void checkWritable(Path dir) {
    try {
      Files.createDirectories(dir);
      Files.delete(Files.createTempFile(dir, ".write-check", ""));
    } catch (IOException | SecurityException e) {
      throw new IllegalArgumentException("option '--out' = " + dir
          + " is not a writable directory (" + e.getMessage() + ")");
    }
  }
}
