package org.slicelab.ablations.method;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.slicelab.ablations.model.Architecture;
import org.slicelab.ablations.model.Architecture.LayerShape;

/**
 * LoRA's rank is bounded by the kernel matrix [out, in * kh * kw]: a 3-channel 3x3 convolution
 * (MobileNetV2's first) takes rank 8 as PEFT allows, a Linear with 3 inputs does not.
 */
class LoraRankTest {
  private static Architecture of(LayerShape layer) {
    return new Architecture(List.of(layer), List.of(layer.name()), 16);
  }

  private static Lora.Settings rank(int r) {
    return new Lora.Settings(r, 16, MethodOptions.targetList(MethodOptions.DEFAULT_TARGETS));
  }

  @Test
  void aConvolutionCountsEveryTapOfItsInputChannels() {
    Architecture conv = of(new LayerShape("Conv1", 32, 3, false, 9));
    assertDoesNotThrow(() -> rank(8).checkShapes(conv, 10));
    assertDoesNotThrow(() -> rank(27).checkShapes(conv, 10));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> rank(28).checkShapes(conv, 10));
    assertTrue(e.getMessage().contains("'rank' = 28") && e.getMessage().contains("27"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> rank(8).checkShapes(of(new LayerShape("dense", 32, 3, false)), 10));
  }
}
