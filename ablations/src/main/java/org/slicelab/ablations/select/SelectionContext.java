package org.slicelab.ablations.select;

import ai.djl.ndarray.NDManager;
import org.slicelab.ablations.trial.TrialSpec;

/**
 * What a slice selector may use.
 *
 * @param spec the trial (rank, position, seed, calibration and lottery-ticket settings)
 * @param manager owner of the model's arrays
 * @param data calibration examples, pretrained weights and a cache key
 * @param maskedTraining how a lottery-ticket round fine-tunes; given by the caller (the methods
 *     live above this package)
 */
public record SelectionContext(TrialSpec spec, NDManager manager, SelectionData data,
    MaskedTraining maskedTraining) {
}
