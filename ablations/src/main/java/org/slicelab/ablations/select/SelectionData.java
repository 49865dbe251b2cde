package org.slicelab.ablations.select;

import org.slicelab.ablations.model.ClassifierFactory;
import org.slicelab.ablations.model.Examples;

/**
 * Inputs slice selectors may need: the training examples (Wanda calibration, lottery-ticket
 * fine-tuning), a factory of fresh classifiers from the same weights (rewinding), and a key
 * naming backbone + task for caches.
 *
 * @param classifiers builds fresh classifiers from the trial's backbone weights
 * @param train the trial's training examples
 * @param taskKey identifies backbone and data (checksums) for cache file names
 * @param dataSeed the seed of the trial's data split
 * @param trainSize the trial's requested training examples
 * @param maxLen tokens per example (text; part of the cache key)
 */
public record SelectionData(ClassifierFactory classifiers, Examples train, String taskKey,
    long dataSeed, int trainSize, int maxLen) {
}
