package org.slicelab.spark.stats;

/**
 * The outcome of a claim test and the interval that decided it.
 *
 * @param verdict the outcome
 * @param decisive index (in the test's input list) of the comparison whose interval decided, -1
 *     when none has an interval
 * @param low lower end of that comparison's two-sided interval at {@code level}
 * @param high upper end of it
 * @param level two-sided level of the shown interval (its one-sided ends are the tests' bounds)
 */
public record Decision(Verdict verdict, int decisive, double low, double high, double level) {
}
