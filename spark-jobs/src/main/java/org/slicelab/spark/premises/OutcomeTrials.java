package org.slicelab.spark.premises;

import static org.apache.spark.sql.functions.col;

import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slicelab.ablations.method.SliceFine;
import org.slicelab.ablations.trial.TrialSpec;
import org.slicelab.spark.report.Combination;
import org.slicelab.spark.report.Figure2Panels;
import org.slicelab.spark.results.ResultSchema;
import org.slicelab.spark.results.ResultTables;

/**
 * The Figure 2 trials whose outcome the step-0 slice energy is checked against: the latest
 * {@code ok} attempt of every static SliceFine trial in a grid panel feeding the position,
 * Wanda or rank table (as the report maps panels, {@link Figure2Panels#tableOf}).
 */
public final class OutcomeTrials {
  /** The Figure 2 tables whose trials take part. */
  public static final List<String> TABLES = List.of(Figure2Panels.RANK, Figure2Panels.POSITION,
      Figure2Panels.WANDA);

  private OutcomeTrials() {
  }

  /**
   * One trial: its spec, the Figure 2 tables it feeds, its test accuracy and the checksums of
   * what it ran on.
   *
   * @param specJson the canonical spec
   * @param tables the Figure 2 tables it feeds (some of {@link #TABLES})
   * @param testAcc test accuracy
   * @param weightsSha256 the backbone weights' checksum recorded by the trial
   * @param dataSha256 the data's checksum recorded by the trial
   * @param trainIdsSha256 the trial's training examples' fingerprint
   */
  public record Trial(String specJson, List<String> tables, double testAcc,
      String weightsSha256, String dataSha256, String trainIdsSha256) implements Serializable {
    /** The spec. */
    public TrialSpec spec() {
      return TrialSpec.fromJson(specJson);
    }

    /** Its (backbone, dataset) pair. */
    public Combination pair() {
      TrialSpec spec = spec();
      return new Combination(spec.backbone(), spec.dataset());
    }
  }

  /**
   * Every such trial of the results directory {@code results}.
   *
   * @throws IllegalArgumentException naming {@code option} when it holds no trials table
   */
  public static List<Trial> read(SparkSession spark, String results, String option) {
    if (!Files.isDirectory(Path.of(results).resolve(ResultSchema.TRIALS))) {
      throw new IllegalArgumentException("option '" + option + "' = " + results
          + " is not a results directory: it has no '" + ResultSchema.TRIALS + "' table");
    }
    List<Row> rows = ResultTables.latest(ResultTables.trials(spark, results))
        .filter(col(ResultSchema.STATUS).equalTo("ok"))
        .select(ResultSchema.SPEC_JSON, ResultSchema.PANELS_COLUMN, "test_acc",
            "weights_sha256", "data_sha256", "train_ids_sha256")
        .collectAsList();
    List<Trial> out = new ArrayList<>();
    for (Row row : rows) {
      TrialSpec spec = TrialSpec.fromJson(row.getString(0));
      List<String> panels = row.isNullAt(1) ? List.of() : row.getList(1);
      Set<String> tables = new TreeSet<>();
      for (String panel : panels) {
        String table = Figure2Panels.tableOf(panel);
        if (TABLES.contains(table)) {
          tables.add(table);
        }
      }
      if (tables.isEmpty() || row.isNullAt(2) || !isStaticSlice(spec)) {
        continue;
      }
      out.add(new Trial(row.getString(0), List.copyOf(tables), row.getDouble(2),
          row.getString(3), row.getString(4), row.getString(5)));
    }
    return out;
  }

  private static boolean isStaticSlice(TrialSpec spec) {
    return spec.method().equals(SliceFine.TYPE.name())
        && ((SliceFine.Settings) spec.methodSettings()).moveSteps() == 0;
  }

  /**
   * The trials on {@code pair}.
   *
   * @throws IllegalArgumentException naming {@code option} when there are none: the message
   *     lists the pairs the results do hold
   */
  public static List<Trial> forPair(List<Trial> trials, Combination pair, String results,
      String option) {
    List<Trial> out = trials.stream().filter(t -> t.pair().equals(pair)).toList();
    if (!out.isEmpty()) {
      return out;
    }
    Set<String> held = new TreeSet<>();
    trials.forEach(t -> held.add(t.pair().label()));
    throw new IllegalArgumentException("option '" + option + "' = " + results + " holds "
        + (held.isEmpty() ? "no ok static SliceFine trial in a Figure 2 " + TABLES + " panel"
            : "Figure 2 slice trials of " + held + " only")
        + ", none of " + pair.label() + "; give the results of that pair or the --backbone and"
        + " --dataset of one of those");
  }
}
