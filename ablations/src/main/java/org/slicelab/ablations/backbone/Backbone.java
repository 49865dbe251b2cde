package org.slicelab.ablations.backbone;

import java.nio.file.Path;
import java.util.Map;

/**
 * A pretrained encoder SliceLab can fine-tune: its shape, its weights under Hugging Face names
 * (no model prefix such as {@code bert.}), its {@code tokenizer.json} and checksums for
 * provenance. {@link Backbones} finds one by name or checkpoint location and caches it per JVM.
 *
 * <p>{@link #config()} is cheap (the driver validates trials with it); {@link #weights()} reads
 * the weight files on first call, checks every tensor against the config, and keeps them.
 */
public interface Backbone {
  /** The canonical name (a built-in name, or the checkpoint's location). */
  String name();

  /** The encoder's shape. */
  BertConfig config();

  /** Encoder weights by Hugging Face name, Linear weights [out, in]; read once, then shared. */
  Map<String, FloatTensor> weights();

  /** The Hugging Face {@code tokenizer.json} on the local file system. */
  Path tokenizerPath();

  /** SHA-256 of the weight file(s), lower-case hex. */
  String weightsSha256();

  /** SHA-256 of the tokenizer file, lower-case hex. */
  String tokenizerSha256();
}
