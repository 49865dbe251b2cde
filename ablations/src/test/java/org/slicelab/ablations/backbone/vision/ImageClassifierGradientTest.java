package org.slicelab.ablations.backbone.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.ablations.train.Autograd;

/**
 * Back-propagation through the executor (padding, depthwise and 1x1 convolutions, batch norm in
 * inference mode, residual add, global pooling): every parameter's gradient matches a central
 * finite difference of the loss, and the running statistics are left alone.
 */
class ImageClassifierGradientTest {
  @TempDir
  Path dir;

  @Test
  void gradientsMatchFiniteDifferences() {
    Path json = TinyKerasModel.standard().write(dir, false);
    KerasBackbone backbone = new KerasBackbone("tiny", () -> json);
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      ImageClassifier model = backbone.create(manager, backbone.weights(), 3, 2);
      manager.getEngine().setRandomSeed(4);
      NDArray images = manager.randomUniform(-1, 1, new Shape(2, 3, 12, 12));
      NDArray target = manager.randomNormal(new Shape(2, 3));
      Map<String, NDArray> params = model.parameters();
      assertEquals(8, params.size(), params.keySet().toString());
      float[] meanBefore = model.network().arrays().get("bn/moving_mean").toFloatArray();
      params.values().forEach(p -> p.setRequiresGradient(true));
      Autograd.setRecording(true);
      try {
        Autograd.backward(loss(model, images, target));
      } finally {
        Autograd.setRecording(false);
      }
      for (Map.Entry<String, NDArray> e : params.entrySet()) {
        NDArray p = e.getValue();
        float[] grad = p.getGradient().toFloatArray();
        int i = (int) (p.getShape().size() / 2);
        float[] values = p.toFloatArray();
        double h = 1e-2;
        values[i] += (float) h;
        p.set(values);
        double up = loss(model, images, target).getFloat();
        values[i] -= (float) (2 * h);
        p.set(values);
        double down = loss(model, images, target).getFloat();
        values[i] += (float) h;
        p.set(values);
        double numeric = (up - down) / (2 * h);
        assertEquals(numeric, grad[i], 2e-3 + 2e-2 * Math.abs(numeric), e.getKey());
      }
      assertTrue(java.util.Arrays.equals(meanBefore,
          model.network().arrays().get("bn/moving_mean").toFloatArray()));
    }
  }

  private static NDArray loss(ImageClassifier model, NDArray images, NDArray target) {
    return model.logits(new NDList(images)).sub(target).square().sum();
  }
}
