package org.slicelab.ablations.backbone.vision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slicelab.ablations.data.image.ImageNormalization;

/**
 * The pixel normalisation a {@code model.json} records under
 * {@code userDefinedMetadata.slicelab.imageNormalization}: {@code {scale, mean: [r, g, b],
 * std: [r, g, b]}}. nsfwjs feeds every model RGB pixels divided by 255
 * ({@code dist/cjs/core.js}, {@code NSFWJS.infer}): a model without the entry gets
 * {@link ImageNormalization#ZERO_TO_ONE}; the converter records the [-1, 1] mapping that the
 * {@code mobilenet_v2_mid} graph applies itself (mean 0.5, std 0.5).
 */
final class NormalizationJson {
  private NormalizationJson() {
  }

  /** Reads the object, or {@link ImageNormalization#ZERO_TO_ONE} when {@code node} is not one. */
  static ImageNormalization read(JsonNode node) {
    if (!node.isObject()) {
      return ImageNormalization.ZERO_TO_ONE;
    }
    return new ImageNormalization((float) node.path("scale").asDouble(),
        floats(node.path("mean")), floats(node.path("std")));
  }

  /** The object {@link #read} reads. */
  static ObjectNode write(ImageNormalization normalization) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("scale", normalization.scale());
    for (float v : normalization.mean()) {
      node.withArray("mean").add(v);
    }
    for (float v : normalization.std()) {
      node.withArray("std").add(v);
    }
    return node;
  }

  private static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) array.get(i).asDouble();
    }
    return out;
  }
}
