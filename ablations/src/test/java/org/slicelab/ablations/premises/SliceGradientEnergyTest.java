package org.slicelab.ablations.premises;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slicelab.ablations.backbone.LinearLayer;
import org.slicelab.ablations.backbone.TextClassifier;
import org.slicelab.ablations.model.SliceAxis;
import org.slicelab.ablations.testing.TinyModels;
import org.slicelab.ablations.train.EncodedDataset;
import org.slicelab.ablations.train.TrainingStep;

class SliceGradientEnergyTest {

  @Test
  void sliceSharesOfTheProbeEqualThoseOfAutogradsFullBatchGradient() {
    EncodedDataset data = TinyModels.data(8, 6, 3);
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      TextClassifier probed = TinyModels.classifier(manager, 5);
      List<LinearLayer> layers = probed.encoder().linearLayers();
      // batches of 3, 3 and 2: the accumulated gradient must be that of the mean over all 8
      Map<String, SliceMatrix> gradients = GradientProbe.gradients(probed, layers, data, 3,
          manager);

      TextClassifier reference = TinyModels.classifier(manager, 5);
      for (LinearLayer layer : reference.encoder().linearLayers()) {
        layer.weight().setRequiresGradient(true);
      }
      TrainingStep.forwardBackward(reference, data, manager);
      for (LinearLayer layer : reference.encoder().linearLayers()) {
        SliceMatrix expected = SliceMatrix.of(layer, layer.weight().getGradient());
        SliceMatrix actual = gradients.get(layer.name());
        for (SliceAxis axis : SliceAxis.values()) {
          int units = expected.units(axis);
          int[] every = SlicePositions.of(units, 1, units, 0, 0).starts();
          SliceGradientEnergy want = SliceGradientEnergy.of(expected, axis, 1, every);
          SliceGradientEnergy got = SliceGradientEnergy.of(actual, axis, 1, every);
          double sum = 0;
          for (int i = 0; i < every.length; i++) {
            assertEquals(want.shares()[i], got.shares()[i], 1e-5, layer.name() + " " + axis);
            sum += got.shares()[i];
          }
          assertEquals(1.0, sum, 1e-9, "rank-1 slices tile the axis");
          assertEquals(1.0 / units, got.parameterShare(), 0.0);
        }
        assertEquals(expected.squaredNorm(), actual.squaredNorm(),
            1e-4 * expected.squaredNorm(), layer.name());
      }
    }
  }
}
