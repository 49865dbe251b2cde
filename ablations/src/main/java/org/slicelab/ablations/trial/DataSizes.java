package org.slicelab.ablations.trial;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slicelab.ablations.config.Option;
import org.slicelab.ablations.data.DatasetSplits;

/**
 * The examples one trial draws from each split of its data set ({@code train_size},
 * {@code val_size}, {@code test_size}), fitted to what the splits hold.
 *
 * <p>A size at its option's default means "this many, or the whole split when it holds fewer",
 * so the defaults run on every data set. The spec keeps the default value, and so its canonical
 * form and trial id are those of every spec written before (a default that did not fit never
 * ran); the sizes actually drawn are recorded in the result metrics ({@link #metrics}). A size
 * that is given (on the command line or in a grid file), or that differs from the default, must
 * fit its split: {@link #check} rejects it before any work, naming the option.
 *
 * @param train training examples drawn
 * @param validation validation examples drawn
 * @param test test examples drawn
 */
public record DataSizes(int train, int validation, int test) {

  /** The sizes drawn for {@code spec} from {@code splits}: defaults capped at their split. */
  public static DataSizes of(TrialSpec spec, DatasetSplits<?> splits) {
    return new DataSizes(
        fitted(TrialSpec.TRAIN_SIZE, spec.trainSize(), splits.train().size()),
        fitted(TrialSpec.VAL_SIZE, spec.valSize(), splits.validation().size()),
        fitted(TrialSpec.TEST_SIZE, spec.testSize(), splits.test().size()));
  }

  /**
   * Throws {@link IllegalArgumentException} naming the option when a size does not fit its
   * split and is in {@code given} or is not its option's default.
   *
   * @param given the options set explicitly (command line, grid file)
   */
  public static void check(TrialSpec spec, DatasetSplits<?> splits, Set<String> given) {
    limit(TrialSpec.TRAIN_SIZE, spec.trainSize(), splits.train().size(), "training", given);
    limit(TrialSpec.VAL_SIZE, spec.valSize(), splits.validation().size(), "validation", given);
    limit(TrialSpec.TEST_SIZE, spec.testSize(), splits.test().size(), "test", given);
  }

  /** Metrics {@code train_examples}, {@code val_examples}, {@code test_examples}. */
  public void addTo(java.util.Map<String, Object> metrics) {
    metrics.put("train_examples", train);
    metrics.put("val_examples", validation);
    metrics.put("test_examples", test);
  }

  /** One note per default size that was capped, e.g. for the command line's log. */
  public List<String> capNotes(TrialSpec spec) {
    List<String> notes = new ArrayList<>();
    note(notes, TrialSpec.TRAIN_SIZE, spec.trainSize(), train, "training");
    note(notes, TrialSpec.VAL_SIZE, spec.valSize(), validation, "validation");
    note(notes, TrialSpec.TEST_SIZE, spec.testSize(), test, "test");
    return notes;
  }

  private static int fitted(Option<Integer> option, int size, int available) {
    return size == option.defaultValue() ? Math.min(size, available) : size;
  }

  private static void limit(Option<Integer> option, int size, int available, String split,
      Set<String> given) {
    boolean isDefault = size == option.defaultValue() && !given.contains(option.name());
    if (size > available && !isDefault) {
      throw new IllegalArgumentException("trial option '" + option.name() + "' = " + size
          + " is invalid: must be at most " + available + " (the " + split + " split)");
    }
  }

  private static void note(List<String> notes, Option<Integer> option, int asked, int drawn,
      String split) {
    if (drawn < asked) {
      notes.add(option.name() + ": the default " + asked + " is more than the " + split
          + " split holds; all its " + drawn + " examples are used");
    }
  }
}
