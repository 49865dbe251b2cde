package org.slicelab.ablations.backbone;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slicelab.ablations.model.Architecture;
import org.slicelab.ablations.model.Classifier;
import org.slicelab.ablations.model.Modality;

/**
 * A pretrained network SliceLab can fine-tune, whatever its architecture: its shape (cheap: the
 * driver validates trials with it), its weights (read once, then shared), a classifier built
 * from them with a fresh head, the random-init control, export of a trained model, and a
 * checksum for provenance. {@link Backbones} finds one by name or location and caches it per JVM.
 * Text encoders add their tokenizer ({@link TextBackbone}).
 */
public interface Backbone {
  /** The canonical name (a built-in name, or the checkpoint's location). */
  String name();

  /** What the network reads. */
  Modality modality();

  /** The weight layers, default targets and feature width (no weights are read). */
  Architecture architecture();

  /** Weights by parameter name, as {@link Classifier#parameters()} names them; read once. */
  Map<String, FloatTensor> weights();

  /** SHA-256 of the weight file(s), lower-case hex. */
  String weightsSha256();

  /**
   * Weights of the same shapes re-initialised as the architecture initialises them before
   * pre-training (the "random init" control), drawn with {@code seed}.
   */
  Map<String, FloatTensor> randomLike(long seed);

  /**
   * A classifier over {@code weights} (this backbone's or {@link #randomLike}'s) with its arrays
   * in {@code manager} and a fresh head of {@code numClasses} outputs drawn N(0, 0.02) with
   * {@code headSeed} and a zero bias.
   */
  Classifier create(NDManager manager, Map<String, FloatTensor> weights, int numClasses,
      long headSeed);

  /**
   * Writes a trained, merged {@code model} into {@code dir} in a format that loads back as a
   * backbone; returns the bytes written.
   *
   * @param labelNames class names by label id
   * @param metadata provenance written beside the weights
   */
  long save(Classifier model, Path dir, List<String> labelNames, Map<String, String> metadata);
}
