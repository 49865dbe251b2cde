package org.slicelab.ablations.trial;

import java.io.Serializable;
import java.util.List;
import org.slicelab.ablations.train.Evaluation;

/**
 * What a trained model predicted for every example of one evaluation split, in split order.
 * Compact (parallel arrays) because it travels from executor to driver with the result.
 *
 * @param split {@code validation} or {@code test}
 * @param exampleIds corpus ids of the examples, in order
 * @param fingerprint SHA-256 of the ordered ids ({@link
 *     org.slicelab.ablations.data.ExampleFingerprint})
 * @param labels true labels
 * @param predicted predicted classes
 * @param margins predicted-class logit minus the best other logit
 */
public record SplitPredictions(String split, List<String> exampleIds, String fingerprint,
    int[] labels, int[] predicted, float[] margins) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Checks that the arrays have one entry per example. */
  public SplitPredictions {
    exampleIds = List.copyOf(exampleIds);
    int n = exampleIds.size();
    if (labels.length != n || predicted.length != n || margins.length != n) {
      throw new IllegalArgumentException("split " + split + ": " + n + " example ids but "
          + labels.length + " labels, " + predicted.length + " predictions, " + margins.length
          + " margins");
    }
  }

  /** The predictions of an evaluation of {@code split}. */
  public static SplitPredictions of(String split, List<String> exampleIds, String fingerprint,
      int[] labels, Evaluation evaluation) {
    return new SplitPredictions(split, exampleIds, fingerprint, labels, evaluation.predicted(),
        evaluation.margins());
  }

  /** Number of examples. */
  public int size() {
    return labels.length;
  }

  /** Fraction of correct predictions (NaN when empty). */
  public double accuracy() {
    int correct = 0;
    for (int i = 0; i < labels.length; i++) {
      correct += labels[i] == predicted[i] ? 1 : 0;
    }
    return labels.length == 0 ? Double.NaN : (double) correct / labels.length;
  }
}
