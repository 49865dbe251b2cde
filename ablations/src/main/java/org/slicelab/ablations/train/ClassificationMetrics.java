package org.slicelab.ablations.train;

/**
 * Accuracy, macro-F1 and mean cross-entropy of a classifier on a set of examples.
 *
 * @param accuracy fraction correct
 * @param macroF1 unweighted mean of per-class F1
 * @param loss mean cross-entropy
 * @param count examples evaluated
 */
public record ClassificationMetrics(double accuracy, double macroF1, double loss, int count) {

  /** Metrics from predicted and true labels (classes 0..numClasses-1) and summed loss. */
  public static ClassificationMetrics of(int[] predicted, int[] actual, int numClasses,
      double lossSum) {
    int correct = 0;
    int[] tp = new int[numClasses];
    int[] predictedCount = new int[numClasses];
    int[] actualCount = new int[numClasses];
    for (int i = 0; i < actual.length; i++) {
      predictedCount[predicted[i]]++;
      actualCount[actual[i]]++;
      if (predicted[i] == actual[i]) {
        correct++;
        tp[actual[i]]++;
      }
    }
    double f1Sum = 0;
    for (int c = 0; c < numClasses; c++) {
      double denominator = predictedCount[c] + actualCount[c];
      f1Sum += denominator == 0 ? 0 : 2.0 * tp[c] / denominator;
    }
    int n = actual.length;
    return new ClassificationMetrics(n == 0 ? 0 : (double) correct / n, f1Sum / numClasses,
        n == 0 ? 0 : lossSum / n, n);
  }
}
