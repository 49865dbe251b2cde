package org.slicelab.ablations.backbone.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.slicelab.ablations.method.SliceAdapter;
import org.slicelab.ablations.model.SliceAxis;
import org.slicelab.ablations.train.Autograd;

/**
 * Back-propagation through the executor (padding, depthwise and 1x1 convolutions, batch norm in
 * inference mode, residual add, global pooling): every parameter's gradient matches a central
 * finite difference of the loss, and the running statistics are left alone; a batch norm folded
 * into its convolution gives what the separate norm gives.
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

  /**
   * While the batch norm's shift is frozen it runs folded into the convolution before it (with a
   * SliceFine slice folded in too); once the shift trains it runs on its own. Both give the same
   * logits and the same slice gradient.
   */
  @Test
  void foldedBatchNormGivesTheSeparateNormsOutputsAndGradients() {
    Path json = TinyKerasModel.standard().write(dir, false);
    KerasBackbone backbone = new KerasBackbone("tiny", () -> json);
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      ImageClassifier model = backbone.create(manager, backbone.weights(), 3, 2);
      manager.getEngine().setRandomSeed(4);
      NDArray images = manager.randomUniform(-1, 1, new Shape(2, 3, 12, 12));
      NDArray target = manager.randomNormal(new Shape(2, 3));
      ConvLayer conv = model.weightLayers().get(0);
      SliceAdapter slice = new SliceAdapter(conv, SliceAxis.ROW, new int[] {1, 2}, manager);
      conv.addAdapter(slice);
      slice.trainable().update(manager.randomNormal(slice.trainable().array().getShape()));
      float[][] folded = logitsAndSliceGradient(model, images, target, slice);
      slice.trainable().zeroGradient();
      model.network().arrays().get("bn/beta").setRequiresGradient(true);
      float[][] separate = logitsAndSliceGradient(model, images, target, slice);
      assertArrayEquals(separate[0], folded[0], 1e-5f);
      assertArrayEquals(separate[1], folded[1], 1e-4f);
    }
  }

  private static float[][] logitsAndSliceGradient(ImageClassifier model, NDArray images,
      NDArray target, SliceAdapter slice) {
    Autograd.setRecording(true);
    try {
      NDArray logits = model.logits(new NDList(images));
      Autograd.backward(logits.sub(target).square().sum());
      return new float[][] {logits.toFloatArray(), slice.trainable().gradient().toFloatArray()};
    } finally {
      Autograd.setRecording(false);
    }
  }

  private static NDArray loss(ImageClassifier model, NDArray images, NDArray target) {
    return model.logits(new NDList(images)).sub(target).square().sum();
  }
}
