package org.slicelab.ablations.method;

import ai.djl.ndarray.NDManager;
import org.slicelab.ablations.select.SelectionData;
import org.slicelab.ablations.trial.TrialSpec;

/**
 * What a method may use while attaching: the trial's spec, the manager that owns the model's
 * arrays, and the data selectors need (calibration examples, pretrained weights, a cache).
 *
 * @param spec the trial
 * @param manager owner of the model's arrays; new trainable arrays go here
 * @param selection data for slice selectors (may be used lazily)
 */
public record MethodContext(TrialSpec spec, NDManager manager, SelectionData selection) {
}
