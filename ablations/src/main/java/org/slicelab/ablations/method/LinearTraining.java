package org.slicelab.ablations.method;

import java.util.List;

/**
 * How a method trains the encoder's Linear layers, for cost models (the benchmark's FLOP count).
 *
 * @param kind how a targeted Linear's weight trains
 * @param rank slice or LoRA rank (0 when the kind has none)
 * @param targets layer patterns of the targeted Linears (empty: none)
 * @param wholeModel every parameter trains (embeddings, LayerNorms, every Linear fully)
 */
public record LinearTraining(Kind kind, int rank, List<String> targets, boolean wholeModel) {

  /** How a Linear's weight is treated. */
  public enum Kind {
    /** Frozen, no adapter. */
    FROZEN,
    /** Full weight gradient (full fine-tuning, SIFT). */
    FULL,
    /** SliceFine row slice (rank rows of W). */
    ROW_SLICE,
    /** SliceFine column slice (rank columns of W). */
    COLUMN_SLICE,
    /** LoRA adapter of the given rank. */
    LORA
  }

  /** Only the head trains. */
  public static final LinearTraining FROZEN_ENCODER =
      new LinearTraining(Kind.FROZEN, 0, List.of(), false);
  /** Everything trains. */
  public static final LinearTraining WHOLE_MODEL =
      new LinearTraining(Kind.FULL, 0, List.of(), true);

  /** The targeted Linears train as {@code kind} with {@code rank}. */
  public static LinearTraining targeted(Kind kind, int rank, List<String> targets) {
    return new LinearTraining(kind, rank, List.copyOf(targets), false);
  }
}
