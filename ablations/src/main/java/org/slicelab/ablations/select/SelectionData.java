package org.slicelab.ablations.select;

import java.util.Map;
import org.slicelab.ablations.backbone.BertConfig;
import org.slicelab.ablations.backbone.FloatTensor;
import org.slicelab.ablations.train.EncodedDataset;

/**
 * Inputs slice selectors may need: the training examples (Wanda calibration, lottery-ticket
 * fine-tuning), the pretrained weights (rewinding), and a key naming backbone + task for caches.
 *
 * @param config backbone shape
 * @param pretrained pretrained encoder weights by Hugging Face name
 * @param train the trial's training examples
 * @param taskKey identifies backbone and data (checksums) for cache file names
 * @param dataSeed the seed of the trial's data split
 * @param trainSize the trial's training examples (as drawn, see {@code DataSizes})
 * @param maxLen tokens per example
 */
public record SelectionData(BertConfig config, Map<String, FloatTensor> pretrained,
    EncodedDataset train, String taskKey, long dataSeed, int trainSize, int maxLen) {
}
