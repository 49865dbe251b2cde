package org.slicelab.ablations.backbone.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.slicelab.ablations.train.Autograd;

/**
 * ReLU6 (a TorchScript hardtanh): the values of min(max(x, 0), 6) and its gradient, out of
 * place and in place (into an owned non-leaf tensor, as a convolution's output is).
 */
class ActivationsTest {
  @Test
  void relu6ClipsToZeroAndSixAndPassesTheGradientInside() {
    Autograd.setRecording(false);
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDArray x = manager.create(new float[] {-3f, -1e-6f, 1e-6f, 2.5f, 5.999f, 6.001f, 40f})
          .reshape(1, 7, 1, 1);
      x.setRequiresGradient(true);
      NDArray y;
      Autograd.setRecording(true);
      try {
        y = Activations.apply("relu6", x);
        Autograd.backward(y.mul(manager.create(new float[] {1, 2, 3, 4, 5, 6, 7})
            .reshape(1, 7, 1, 1)).sum());
      } finally {
        Autograd.setRecording(false);
      }
      assertArrayEquals(new float[] {0f, 0f, 1e-6f, 2.5f, 5.999f, 6f, 6f}, y.toFloatArray());
      assertArrayEquals(new float[] {0, 0, 3, 4, 5, 0, 0}, x.getGradient().toFloatArray());
    }
  }

  @Test
  void inPlaceRelu6WritesIntoItsInputWithTheSameValuesAndGradient() {
    Autograd.setRecording(false);
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDArray x = manager.create(new float[] {-3f, -1e-6f, 1e-6f, 2.5f, 5.999f, 6.001f, 40f})
          .reshape(1, 7, 1, 1);
      x.setRequiresGradient(true);
      NDArray owned;
      NDArray y;
      Autograd.setRecording(true);
      try {
        owned = x.mul(1f); // a non-leaf that nothing else reads
        y = Activations.apply("relu6", owned, true);
        Autograd.backward(y.mul(manager.create(new float[] {1, 2, 3, 4, 5, 6, 7})
            .reshape(1, 7, 1, 1)).sum());
      } finally {
        Autograd.setRecording(false);
      }
      float[] expected = {0f, 0f, 1e-6f, 2.5f, 5.999f, 6f, 6f};
      assertArrayEquals(expected, y.toFloatArray());
      assertArrayEquals(expected, owned.toFloatArray(), "written into its input");
      assertArrayEquals(new float[] {0, 0, 3, 4, 5, 0, 0}, x.getGradient().toFloatArray());
      NDArray kept = manager.create(new float[] {-1f, 7f});
      Activations.apply("relu6", kept, false);
      assertArrayEquals(new float[] {-1f, 7f}, kept.toFloatArray(), "not owned: left alone");
    }
  }
}
