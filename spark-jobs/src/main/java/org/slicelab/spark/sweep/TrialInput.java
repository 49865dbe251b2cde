package org.slicelab.spark.sweep;

import java.io.Serializable;

/**
 * What the driver sends to the executor for one trial: the canonical spec JSON and its id (the
 * executor recomputes the id and refuses a mismatch, which would mean driver and executor run
 * different SliceLab builds).
 *
 * @param index position in this sweep's run list
 * @param trialId SHA-256 of {@code specJson}
 * @param specJson canonical spec JSON
 */
public record TrialInput(int index, String trialId, String specJson) implements Serializable {
}
