package org.slicelab.ablations.backbone.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.ablations.model.LayerAdapter;
import org.slicelab.ablations.model.WeightLayer;
import org.slicelab.ablations.train.Autograd;

/**
 * Export in TF.js layers format and back: the exported model loads as a backbone whose pooled
 * features equal the trained model's and whose dropped head (the exported classifier) gives the
 * trained model's logits, bit for bit.
 */
class VisionExportTest {
  @TempDir
  Path dir;

  @Test
  void tinyModelRoundTrips() {
    Path json = TinyKerasModel.standard().write(dir.resolve("tiny"), true);
    roundTrip(new KerasBackbone("tiny", () -> json), 12);
  }

  @Test
  void mobileNetRoundTripsWithItsNormalisation() {
    KerasBackbone reloaded = roundTrip(VisionBackbones.get("mobilenet-v2-mid"), 64);
    assertEquals(VisionBackbones.get("mobilenet-v2-mid").normalization(),
        reloaded.normalization());
    assertEquals(0.5f, reloaded.normalization().mean()[0]);
  }

  @Test
  void adaptersMustBeMergedFirst() {
    Path json = TinyKerasModel.standard().write(dir.resolve("tiny"), false);
    KerasBackbone backbone = new KerasBackbone("tiny", () -> json);
    Autograd.setRecording(false);
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      ImageClassifier model = backbone.create(manager, backbone.weights(), 2, 3);
      model.weightLayers().get(1).addAdapter(new LayerAdapter() {
        @Override
        public NDArray apply(NDArray x, NDArray y) {
          return y;
        }

        @Override
        public void mergeInto(WeightLayer layer) {
        }
      });
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> backbone.save(model, dir.resolve("out"), List.of("a", "b"), Map.of()));
      assertTrue(e.getMessage().contains("layer 'dw' still has adapters"), e.getMessage());
    }
  }

  /** Perturbs every parameter (as training would), exports, reloads, compares; returns it. */
  private KerasBackbone roundTrip(KerasBackbone backbone, int size) {
    Autograd.setRecording(false);
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      manager.getEngine().setRandomSeed(5);
      ImageClassifier trained = backbone.create(manager, backbone.weights(), 3, 9);
      for (NDArray p : trained.parameters().values()) {
        p.addi(manager.randomNormal(0, 0.01f, p.getShape(), p.getDataType()));
      }
      Path out = dir.resolve("export-" + backbone.name());
      long bytes = backbone.save(trained, out, List.of("x", "y", "z"), Map.of("seed", "9"));
      assertTrue(bytes > 0);
      KerasBackbone reloaded = new KerasBackbone("reloaded", () -> out.resolve("model.json"));
      assertEquals(backbone.plan().featureLayer(), reloaded.plan().featureLayer());
      assertEquals(TfjsModelWriter.POOL, reloaded.plan().head().get(0).name());
      ImageClassifier loaded = reloaded.create(manager, reloaded.weights(), 2, 1);
      NDArray images = manager.randomUniform(-1, 1, new Shape(2, 3, size, size));
      assertArrayEquals(trained.pooledFeatures(images).toFloatArray(),
          loaded.pooledFeatures(images).toFloatArray());
      assertArrayEquals(trained.logits(new NDList(images)).toFloatArray(),
          loaded.droppedHeadLogits(images).toFloatArray());
      return reloaded;
    }
  }
}
