package org.slicelab.ablations.train;

/**
 * Metrics of one evaluation plus what the model said about every example, in data order.
 *
 * @param metrics accuracy, macro-F1, loss
 * @param predicted predicted class per example
 * @param margins logit of the predicted class minus the best other logit (>= 0; small = unsure)
 */
public record Evaluation(ClassificationMetrics metrics, int[] predicted, float[] margins) {
}
