package org.slicelab.ablations.train;

import java.io.Serializable;

/**
 * One value of a metric that varies during training (long format: a new metric never changes a
 * schema).
 *
 * @param step optimizer steps done
 * @param epoch 0-based epoch
 * @param split "train", "validation" or "test"
 * @param metric e.g. "loss", "accuracy", "lr", "grad_norm"
 * @param value the value
 */
public record CurvePoint(int step, int epoch, String split, String metric, double value)
    implements Serializable {
}
