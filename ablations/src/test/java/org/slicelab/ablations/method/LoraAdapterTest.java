package org.slicelab.ablations.method;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.slicelab.ablations.testing.MethodHarness.assertClose;
import static org.slicelab.ablations.testing.MethodHarness.forwardBackward;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.slicelab.ablations.backbone.LinearLayer;
import org.slicelab.ablations.testing.MethodHarness;
import org.slicelab.ablations.train.Autograd;
import org.slicelab.ablations.train.DenseTrainable;

/**
 * One LoRA adapter on one Linear layer against a dense oracle: the layer with the effective
 * weight {@code W + s B A} as a trainable. With G the oracle's weight gradient, the adapter's
 * gradients must be {@code dB = s G A^T} and {@code dA = s B^T G}, the input's gradient must be
 * the oracle's, and the outputs must match before and after merging.
 */
class LoraAdapterTest {
  private static final int D_IN = 7;
  private static final int D_OUT = 9;
  private static final int RANK = 3;
  private static final double ALPHA = 6;

  @Test
  void gradientsMatchTheDenseOracleAndMergeKeepsOutputs() {
    Autograd.setRecording(false);
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      manager.getEngine().setRandomSeed(5);
      NDArray x = manager.randomNormal(new Shape(2, 5, D_IN));
      NDArray upstream = manager.randomNormal(new Shape(2, 5, D_OUT));
      NDArray w = manager.randomNormal(new Shape(D_OUT, D_IN));
      NDArray b = manager.randomNormal(new Shape(D_OUT));

      LinearLayer adapted = new LinearLayer("adapted", w.duplicate(), b.duplicate());
      LoraAdapter adapter = new LoraAdapter(adapted, RANK, ALPHA, new Random(3), manager);
      adapted.addAdapter(adapter);
      List<DenseTrainable> ab = adapter.trainables("adapted");
      NDArray a = ab.get(0).array();
      NDArray up = ab.get(1).array();
      // B starts at zero (no change at first); give it values so that every term is exercised
      up.addi(manager.randomNormal(up.getShape()));
      float scale = (float) (ALPHA / RANK);

      NDArray effective = w.add(up.matMul(a).mul(scale));
      LinearLayer oracle = new LinearLayer("oracle", effective, b.duplicate());
      oracle.weight().setRequiresGradient(true);
      NDArray xOracle = x.duplicate();
      xOracle.setRequiresGradient(true);
      float[] outOracle = forwardBackward(oracle, xOracle, upstream);
      NDArray g = oracle.weight().getGradient();

      NDArray xAdapted = x.duplicate();
      xAdapted.setRequiresGradient(true);
      float[] outAdapted = forwardBackward(adapted, xAdapted, upstream);

      assertClose(outOracle, outAdapted, "outputs");
      assertClose(g.matMul(a.transpose()).mul(scale).toFloatArray(),
          up.getGradient().toFloatArray(), "dB");
      assertClose(up.transpose().matMul(g).mul(scale).toFloatArray(),
          a.getGradient().toFloatArray(), "dA");
      assertClose(xOracle.getGradient().toFloatArray(), xAdapted.getGradient().toFloatArray(),
          "input gradient");

      float[] before = adapted.forward(x).toFloatArray();
      adapted.mergeAdapters();
      assertClose(before, adapted.forward(x).toFloatArray(), "merged outputs");
    }
  }
}
