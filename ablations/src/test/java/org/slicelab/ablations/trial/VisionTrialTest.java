package org.slicelab.ablations.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slicelab.ablations.backbone.Backbones;

/**
 * Trials of MobileNetV2 on Fashion-MNIST end to end at tiny sizes (32 training images of
 * 32 pixels, one epoch), and the checks that refuse a vision trial before any work: a text
 * backbone with image data or the reverse (naming both), an image size below the network's
 * minimum (naming {@code image_size}).
 */
class VisionTrialTest {
  private final TrialRunner runner = new TrialRunner();

  private static TrialSpec.Builder tiny(String method) {
    return TrialSpec.builder().backbone("mobilenet-v2").dataset("fashion-mnist").method(method)
        .trainSize(32).valSize(32).testSize(64).imageSize(32).epochs(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"slicefine", "head"})
  void aTinyMobileNetTrialOnFashionMnistRuns(String method) {
    TrialSpec spec = tiny(method).rank(5).build();
    TrialValidator.check(spec);
    TrialResult result = runner.run(spec);
    assertEquals(TrialStatus.OK, result.status(), result.error());
    double accuracy = result.metric("test_acc");
    assertTrue(accuracy >= 0 && accuracy <= 1, "test_acc " + accuracy);
    System.err.println(result.toSummaryJson());
  }

  @Test
  void aTextBackboneWithImageDataIsRefusedNamingBoth() {
    TrialSpec spec = TrialSpec.builder().dataset("fashion-mnist").method("head").build();
    for (IllegalArgumentException e : refusals(spec)) {
      assertTrue(e.getMessage().contains("'dataset' = 'fashion-mnist'")
          && e.getMessage().contains("is an image data set")
          && e.getMessage().contains("backbone '" + Backbones.DEFAULT + "' reads text"),
          e.getMessage());
    }
  }

  @Test
  void aVisionBackboneWithTextDataIsRefusedNamingBoth(@TempDir Path dir) throws IOException {
    StringBuilder csv = new StringBuilder("text,label\n");
    for (int i = 0; i < 30; i++) {
      csv.append("sentence number ").append(i).append(',').append(i % 2).append('\n');
    }
    Path table = Files.writeString(dir.resolve("texts.csv"), csv);
    TrialSpec spec = TrialSpec.builder().backbone("mobilenet-v2").dataset(table.toString())
        .method("head").build();
    for (IllegalArgumentException e : refusals(spec)) {
      assertTrue(e.getMessage().contains("'dataset' = '" + spec.dataset() + "'")
          && e.getMessage().contains("is a text data set")
          && e.getMessage().contains("backbone 'mobilenet-v2' reads image"), e.getMessage());
    }
  }

  /** The validator's refusal and the runner's (which checks before loading any data). */
  private IllegalArgumentException[] refusals(TrialSpec spec) {
    IllegalArgumentException validator = assertThrows(IllegalArgumentException.class,
        () -> TrialValidator.check(spec));
    TrialResult result = runner.run(spec);
    assertEquals(TrialStatus.FAILED, result.status());
    return new IllegalArgumentException[] {validator,
        new IllegalArgumentException(result.error())};
  }

  @Test
  void anImageSizeBelowTheNetworksMinimumIsRefusedNamingImageSize() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrialValidator.check(tiny("head").imageSize(16).build()));
    assertTrue(e.getMessage().startsWith("trial option 'image_size' = 16 is invalid: must be "
        + "at least 32"), e.getMessage());
  }
}
