package org.slicelab.ablations.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slicelab.ablations.backbone.LinearLayer;
import org.slicelab.ablations.backbone.TextClassifier;
import org.slicelab.ablations.testing.TinyModels;
import org.slicelab.ablations.train.Autograd;
import org.slicelab.ablations.train.TrainingLoop;
import org.slicelab.ablations.train.TrainingOptions;
import org.slicelab.ablations.train.TrainingTarget;

/** Masked full fine-tuning (lottery-ticket rounds): masked entries stay zero, the rest trains. */
class MaskedFullFineTuningTest {
  private static NDManager manager;

  @BeforeAll
  static void setUp() {
    Autograd.ensureEngine();
    Autograd.setRecording(false);
    manager = NDManager.newBaseManager("PyTorch");
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  @Test
  void maskedTrainingKeepsMaskedWeightsAtZero() {
    try (NDManager m = manager.newSubManager()) {
      TextClassifier model = TinyModels.classifier(m, 3);
      LinearLayer layer = model.encoder().linearLayers().get(4);
      float[] maskValues = new float[layer.outFeatures() * layer.inFeatures()];
      for (int i = 0; i < maskValues.length; i++) {
        maskValues[i] = i % 3 == 0 ? 0f : 1f;
      }
      NDArray mask = m.create(maskValues, layer.weight().getShape());
      layer.weight().muli(mask);
      float[] before = layer.weight().toFloatArray();
      TrainingTarget method = MaskedFullFineTuning.LOTTERY_TICKET_ROUNDS.attach(model,
          List.of(layer.weight()), List.of(mask));
      assertEquals(model.parameters().size(), method.trainables().size(), "every tensor trains");
      TrainingLoop.train(model, method, TinyModels.data(16, 12, 5), m,
          new TrainingOptions(1, 8, 1e-2, 0, 0, 0, 1));
      float[] after = layer.weight().toFloatArray();
      int changed = 0;
      for (int i = 0; i < after.length; i++) {
        if (maskValues[i] == 0) {
          assertTrue(after[i] == 0f, "masked entry " + i + " = " + after[i]);
        } else if (after[i] != before[i]) {
          changed++;
        }
      }
      assertTrue(changed > 0.9 * (after.length * 2 / 3), "kept entries train: " + changed);
    }
  }

  @Test
  void lotteryTicketRoundsTrainAtFullFineTuningsDefaultRate() {
    assertEquals(Methods.defaultLr("full"),
        MaskedFullFineTuning.LOTTERY_TICKET_ROUNDS.learningRate());
    assertEquals(5e-5, MaskedFullFineTuning.LOTTERY_TICKET_ROUNDS.learningRate(),
        "part of every cached mask's key: changing it invalidates the lth-masks cache");
  }
}
