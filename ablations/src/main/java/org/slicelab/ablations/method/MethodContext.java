package org.slicelab.ablations.method;

import ai.djl.ndarray.NDManager;
import org.slicelab.ablations.select.SelectionData;
import org.slicelab.ablations.train.TrainingOptions;

/**
 * What a method may use while attaching, beside its own settings: the manager that owns the
 * model's arrays, the data selectors need (calibration examples, pretrained weights, a cache
 * key), and the trial's training settings (seed, batch size, ...).
 *
 * @param manager owner of the model's arrays; new trainable arrays go here
 * @param selection data for slice selectors (may be used lazily)
 * @param training the trial's training settings
 */
public record MethodContext(NDManager manager, SelectionData selection,
    TrainingOptions training) {
}
