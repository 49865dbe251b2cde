package org.slicelab.ablations.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.ablations.backbone.vision.TinyKerasModel;

/**
 * FLOPs of training steps on the tiny Keras model, counted by hand: 16 px images padded to 17,
 * a 3x3 stride-2 convolution 3 -> 4 channels (8x8 out), batch norm, ReLU6, a 3x3 stride-2
 * depthwise convolution (4x4 out), a 1x1 convolution 4 -> 4, a residual add, the head 4 -> 3;
 * batch 2. Per image the convolutions have 64, 16 and 16 output positions: forward FLOPs
 * 2 * 128 * 27 * 4 = 27648, 2 * 4 * 32 * 9 = 2304 and 2 * 32 * 4 * 4 = 1024, the head
 * 2 * 2 * 4 * 3 = 48.
 */
class ConvFlopCounterTest {
  private static final long FORWARD = 27648 + 2304 + 1024 + 48;
  private static String model;

  @BeforeAll
  static void writeModel(@TempDir Path dir) {
    model = TinyKerasModel.standard().write(dir, false).toString();
  }

  private static FlopCounter.Flops flops(String label) {
    return flops(BenchMethod.parse(label, 2, 8, 16, model));
  }

  private static FlopCounter.Flops flops(BenchMethod method) {
    return StepProducts.flops(method.spec(), 2, 0, 3);
  }

  @Test
  void headOnlyRunsTheForwardAndTheHeadsGradient() {
    assertEquals(new FlopCounter.Flops(FORWARD, 0, 48), flops("head"));
  }

  @Test
  void fullFineTuningFormsEveryKernelGradientButNoImageGradient() {
    // input gradients of the depthwise and 1x1 convolutions and the head; the first
    // convolution reads the images
    assertEquals(new FlopCounter.Flops(FORWARD, 2304 + 1024 + 48, FORWARD), flops("full"));
  }

  @Test
  void sliceFineFormsWholeKernelGradientsLikeFull() {
    // the slices run folded into the kernels (W + D): the same products as full fine-tuning
    assertEquals(flops("full"), flops("slicefine_r2_row"));
    assertEquals(flops("full"), flops("slicefine_r1_column"));
  }

  @Test
  void onlyLayersAboveATrainedOneBackPropagateToTheirInput() {
    BenchMethod projectOnly = new BenchMethod("slicefine_project", BenchMethod.parse(
        "slicefine_r2_row", 2, 8, 16, model).spec().toBuilder().targets("project").build());
    // nothing below the 1x1 convolution trains: no input gradient but the head's
    assertEquals(new FlopCounter.Flops(FORWARD, 48, 1024 + 48), flops(projectOnly));
  }

  @Test
  void loraAddsItsFactorsOnDenseConvolutionsOnly() {
    // first convolution (m 128, k 27, n 4, r 2): A 13824, B 2048 forward; dB 2048, dA 13824,
    // dlow 2048; the depthwise one is left out (frozen) but passes gradients down: dX 2304;
    // the 1x1 convolution (m 32, k 4, n 4): A 512, B 512; dX 1024, dB 512, dA 512, dlow 512,
    // dX through A 512; the head: dW 48, dX 48
    assertEquals(new FlopCounter.Flops(FORWARD + 13824 + 2048 + 512 + 512,
        2048 + 2304 + 1024 + 512 + 512 + 48, 2048 + 13824 + 512 + 512 + 48), flops("lora_r2"));
  }
}
