package org.slicelab.ablations.train;

/**
 * Settings of one training run.
 *
 * @param epochs passes over the training set
 * @param batchSize examples per step
 * @param lr peak learning rate
 * @param warmupFraction share of steps spent warming up
 * @param weightDecay decoupled weight decay (AdamW)
 * @param gradClip global gradient-norm clip (0 = none)
 * @param seed shuffling seed
 */
public record TrainingOptions(int epochs, int batchSize, double lr, double warmupFraction,
    double weightDecay, double gradClip, long seed) {
}
