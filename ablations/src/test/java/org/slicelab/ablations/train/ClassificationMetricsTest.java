package org.slicelab.ablations.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * Accuracy and macro-F1 against scikit-learn ({@code f1_score(average="macro",
 * labels=range(C), zero_division=0)}): a class that is never predicted and never occurs counts
 * as F1 = 0 and still enters the mean. Reference: {@code train-reference.json}, made by
 * {@code src/test/python/train_reference.py}.
 */
class ClassificationMetricsTest {

  private static int[] ints(JsonNode values) {
    int[] out = new int[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i).asInt();
    }
    return out;
  }

  @Test
  void matchesScikitLearn() throws Exception {
    JsonNode reference;
    try (InputStream in = getClass().getResourceAsStream("train-reference.json")) {
      reference = new ObjectMapper().readTree(in);
    }
    assertEquals(5, reference.get("macro_f1").size());
    for (JsonNode c : reference.get("macro_f1")) {
      int[] predicted = ints(c.get("predicted"));
      int[] actual = ints(c.get("actual"));
      ClassificationMetrics m = ClassificationMetrics.of(predicted, actual,
          c.get("classes").asInt(), 0.5 * actual.length);
      String name = c.get("name").asText();
      assertEquals(c.get("accuracy").asDouble(), m.accuracy(), 1e-12, name + " accuracy");
      assertEquals(c.get("macro_f1").asDouble(), m.macroF1(), 1e-12, name + " macro-F1");
      assertEquals(0.5, m.loss(), 1e-12, name + " mean loss");
      assertEquals(actual.length, m.count());
    }
  }

  @Test
  void handCheckedBinaryCase() {
    // class 1: tp 3, predicted 4, actual 5 -> F1 6/9; class 0: tp 2, predicted 4, actual 3 -> 4/7
    ClassificationMetrics m = ClassificationMetrics.of(new int[] {1, 0, 1, 1, 0, 0, 1, 0},
        new int[] {1, 0, 0, 1, 0, 1, 1, 1}, 2, 4.0);
    assertEquals(5.0 / 8, m.accuracy(), 1e-15);
    assertEquals((6.0 / 9 + 4.0 / 7) / 2, m.macroF1(), 1e-15);
    assertEquals(0.5, m.loss(), 1e-15);
  }

  @Test
  void emptySetIsAllZero() {
    ClassificationMetrics m = ClassificationMetrics.of(new int[0], new int[0], 2, 0);
    assertEquals(0, m.accuracy());
    assertEquals(0, m.macroF1());
    assertEquals(0, m.loss());
    assertEquals(0, m.count());
  }
}
