package org.slicelab.ablations.select;

import ai.djl.ndarray.NDManager;
import org.slicelab.ablations.train.TrainingOptions;

/**
 * What a slice selector may use.
 *
 * @param window the slice's rank and position
 * @param selection the selector and its Wanda and lottery-ticket settings
 * @param training the trial's training settings (seed, batch size; lottery-ticket rounds train
 *     with them, at the learning rate of {@code maskedTraining})
 * @param manager owner of the model's arrays
 * @param data calibration examples, pretrained weights and a cache key
 * @param maskedTraining how a lottery-ticket round fine-tunes; given by the caller (the methods
 *     live above this package)
 */
public record SelectionContext(SliceWindow window, SelectorSettings selection,
    TrainingOptions training, NDManager manager, SelectionData data,
    MaskedTraining maskedTraining) {
}
