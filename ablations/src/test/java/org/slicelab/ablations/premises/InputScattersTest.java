package org.slicelab.ablations.premises;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slicelab.ablations.backbone.LinearLayer;
import org.slicelab.ablations.backbone.TextClassifier;
import org.slicelab.ablations.model.Examples;
import org.slicelab.ablations.model.WeightLayer;
import org.slicelab.ablations.testing.TinyModels;
import org.slicelab.ablations.train.Autograd;
import org.slicelab.ablations.train.EncodedDataset;

/**
 * Layers reading the same input share one set of statistics, and the task energy of every layer
 * is exactly what a statistic of its own gives.
 */
class InputScattersTest {

  @Test
  void queryKeyAndValueShareTheirInputsStatisticsWithIdenticalResults() {
    EncodedDataset data = TinyModels.data(12, 6, 3);
    Autograd.ensureEngine();
    Autograd.setRecording(false);
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      TextClassifier model = TinyModels.classifier(manager, 5);
      List<LinearLayer> layers = model.encoder().linearLayers();
      InputScatters shared = new InputScatters(2, manager);
      Map<WeightLayer, ClassScatter> alone = new LinkedHashMap<>();
      for (LinearLayer layer : layers) {
        layer.addAdapter(shared.recorder(layer));
        ClassScatter own = new ClassScatter(layer, 2, manager);
        alone.put(layer, own);
        layer.addAdapter(own);
      }
      for (int from = 0; from < data.size(); from += 5) {
        try (NDScope scope = new NDScope()) {
          NDList arrays = data.range(from, Math.min(data.size(), from + 5)).toArrays(manager);
          NDList inputs = Examples.inputs(arrays);
          var mask = model.calibrationMask(inputs);
          shared.startBatch(Examples.labels(arrays), mask);
          alone.values().forEach(s -> s.setBatch(Examples.labels(arrays), mask));
          model.logits(inputs);
          scope.suppressNotUsedWarning();
        }
      }
      for (LinearLayer layer : layers) {
        TaskEnergy want = alone.get(layer).energy();
        TaskEnergy got = shared.energy(layer);
        assertArrayEquals(want.betweenShare(), got.betweenShare(), 0.0, layer.name());
        assertArrayEquals(want.varianceShare(), got.varianceShare(), 0.0, layer.name());
        assertEquals(want.samples(), got.samples());
      }
      // per encoder layer: key and value read query's input
      Map<WeightLayer, WeightLayer> sharing = shared.shared();
      assertEquals(2 * TinyModels.CONFIG.layers(), sharing.size(), sharing.toString());
      sharing.forEach((alias, owner) -> {
        assertEquals(true, owner.name().endsWith("attention.self.query"), owner.name());
        assertEquals(owner.name().replace("query", ""), alias.name()
            .replace("key", "").replace("value", ""));
      });
    }
  }
}
