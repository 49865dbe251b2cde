package org.slicelab.ablations.backbone.vision;

import org.slicelab.ablations.data.image.ImageNormalization;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * A reference written by {@code src/test/js/make-vision-fixtures.js}: MNIST images, how they
 * form each input's channels, and per input size the pooled features and (at the model's own
 * size) the dropped head's logits computed by TF.js.
 */
record VisionFixture(JsonNode root, byte[] pixels) {

  static VisionFixture load(String model) {
    try (InputStream in = VisionFixture.class.getResourceAsStream("/vision/" + model + ".json")) {
      JsonNode root = new ObjectMapper().readTree(in);
      return new VisionFixture(root, Base64.getDecoder().decode(
          root.at("/images/uint8Base64").asText()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The input batch [B, 3, size, size] as the generator builds it, then normalised. */
  float[] input(int size, ImageNormalization normalization) {
    JsonNode channels = root.get("channels");
    float[] out = new float[channels.size() * 3 * size * size];
    int i = 0;
    for (JsonNode sources : channels) {
      for (int c = 0; c < 3; c++) {
        int image = sources.get(c).asInt();
        for (int y = 0; y < size; y++) {
          for (int x = 0; x < size; x++) {
            int pixel = pixels[image * 784 + (y * 28 / size) * 28 + x * 28 / size] & 0xff;
            out[i++] = normalization.apply(c, pixel);
          }
        }
      }
    }
    return out;
  }

  int batch() {
    return root.get("channels").size();
  }

  static float[] floats(JsonNode tensor) {
    ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(
        tensor.get("float32LittleEndianBase64").asText())).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[b.remaining() / 4];
    b.asFloatBuffer().get(out);
    return out;
  }

  /** max |a - b| / max |reference|. */
  static double[] diff(float[] reference, float[] actual) {
    double maxDiff = 0;
    double scale = 0;
    for (int i = 0; i < reference.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(reference[i] - actual[i]));
      scale = Math.max(scale, Math.abs(reference[i]));
    }
    return new double[] {maxDiff, maxDiff / scale};
  }
}
