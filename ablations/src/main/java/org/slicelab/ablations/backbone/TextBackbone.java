package org.slicelab.ablations.backbone;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slicelab.ablations.model.Architecture;
import org.slicelab.ablations.model.Classifier;
import org.slicelab.ablations.model.Modality;

/**
 * A pretrained BERT-family encoder: its {@link BertConfig}, weights under Hugging Face names (no
 * model prefix such as {@code bert.}), its {@code tokenizer.json} and checksums. The classifier
 * is a {@link TextClassifier} (mean pooling, Linear head); the default targets are every encoder
 * Linear.
 *
 * <p>{@link #config()} is cheap; {@link #weights()} reads the weight files on first call, checks
 * every tensor against the config, and keeps them.
 */
public interface TextBackbone extends Backbone {

  /** The encoder's shape. */
  BertConfig config();

  /** The Hugging Face {@code tokenizer.json} on the local file system. */
  Path tokenizerPath();

  /** SHA-256 of the tokenizer file, lower-case hex. */
  String tokenizerSha256();

  @Override
  default Modality modality() {
    return Modality.TEXT;
  }

  @Override
  default Architecture architecture() {
    return Architecture.ofLinears(config().linearShapes(), config().hidden());
  }

  @Override
  default Map<String, FloatTensor> randomLike(long seed) {
    return TextClassifier.randomLike(weights(), seed);
  }

  @Override
  default Classifier create(NDManager manager, Map<String, FloatTensor> weights, int numClasses,
      long headSeed) {
    return TextClassifier.create(manager, config(), weights, numClasses, headSeed);
  }

  @Override
  default long save(Classifier model, Path dir, List<String> labelNames,
      Map<String, String> metadata) {
    return ModelExport.save((TextClassifier) model, dir, labelNames, tokenizerPath(), metadata);
  }
}
