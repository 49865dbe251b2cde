package org.slicelab.spark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.slicelab.ablations.data.ExampleFingerprint;
import org.slicelab.spark.results.ResultSchema;
import org.slicelab.spark.results.ResultTables;
import org.slicelab.spark.sweep.SweepTestSupport;

/**
 * The {@code predictions} table of a real tiny Figure 2 run is the data the claims rest on:
 * every ok trial has one row per validation and test example, the accuracy recomputed from them
 * is the trial's {@code test_acc}, and the trial's test fingerprint is the SHA-256 of the example
 * ids in the order they were scored.
 */
class PredictionsTableTest {

  private record Example(long index, String id, long label, long predicted) {
  }

  @Test
  void accuracyFromPredictionsEqualsTestAccAndFingerprintsMatch() {
    TinyFigure2.Run run = TinyFigure2.get();
    String out = run.out().toString();
    SweepTestSupport.withSpark(spark -> {
      List<Row> trials = ResultTables.trials(spark, out).collectAsList();
      Map<String, List<Example>> testByAttempt = new HashMap<>();
      Map<String, Integer> validationCount = new HashMap<>();
      for (Row r : ResultTables.predictions(spark, out).collectAsList()) {
        String attempt = r.getAs(ResultSchema.ATTEMPT_ID);
        String split = r.getAs(ResultSchema.SPLIT);
        if ("test".equals(split)) {
          testByAttempt.computeIfAbsent(attempt, k -> new ArrayList<>()).add(new Example(
              r.<Long>getAs(ResultSchema.EXAMPLE_INDEX), r.getAs(ResultSchema.EXAMPLE_ID),
              r.<Long>getAs(ResultSchema.LABEL), r.<Long>getAs(ResultSchema.PREDICTED)));
        } else {
          assertEquals("validation", split);
          validationCount.merge(attempt, 1, Integer::sum);
        }
      }
      int okTrials = 0;
      Set<String> testFingerprints = new TreeSet<>();
      for (Row t : trials) {
        String attempt = t.getAs(ResultSchema.ATTEMPT_ID);
        if (!"ok".equals(t.getAs(ResultSchema.STATUS))) {
          assertFalse(testByAttempt.containsKey(attempt), "a failed attempt has no predictions");
          continue;
        }
        okTrials++;
        List<Example> test = testByAttempt.get(attempt);
        assertEquals(16, test.size(), "one row per test example: " + attempt);
        assertEquals(16, validationCount.get(attempt), "one row per validation example");
        test.sort(Comparator.comparingLong(Example::index));
        long correct = test.stream().filter(e -> e.label() == e.predicted()).count();
        double testAcc = t.<Double>getAs("test_acc");
        assertEquals(testAcc, correct / 16.0, 1e-9, "accuracy recomputed from predictions");
        String fingerprint = ExampleFingerprint.of(test.stream().map(Example::id).toList());
        assertEquals(fingerprint, t.getAs("test_ids_sha256"), "test fingerprint of " + attempt);
        testFingerprints.add(fingerprint);
        assertTrue(((String) t.getAs("train_ids_sha256")).matches("[0-9a-f]{64}"));
      }
      assertTrue(okTrials >= TinyFigure2.TRIALS - 2, "ok trials: " + okTrials);
      assertEquals(1, testFingerprints.size(), "every trial scored on the same test examples");
      return null;
    });
  }
}
