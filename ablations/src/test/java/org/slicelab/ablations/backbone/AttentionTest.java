package org.slicelab.ablations.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slicelab.ablations.train.Autograd;

/**
 * Both forms of attention (the fused TorchScript module and the explicit products with in-place
 * scaling and mask) against attention written out, {@code softmax(q k^T / sqrt(d) + mask) v}:
 * outputs and the gradients of q, k and v, with and without padding; autograd follows the
 * caller's recording mode; and the rule that picks the form.
 */
class AttentionTest {
  enum Form { REFERENCE, FUSED, EXPLICIT, CHOSEN_AT_TWO_THREADS }

  private static final float TOLERANCE = 1e-5f;

  private static NDArray writtenOut(NDArray q, NDArray k, NDArray v, NDArray mask) {
    NDArray scores = q.matMul(k.transpose(0, 1, 3, 2))
        .div((float) Math.sqrt(q.getShape().get(3)));
    return (mask == null ? scores : scores.add(mask)).softmax(-1).matMul(v);
  }

  /** Output, dq, dk and dv of {@code sum(attention * weights)} on fresh copies of q, k, v. */
  private static List<float[]> outputAndGradients(Form form, NDArray q0, NDArray k0,
      NDArray v0, NDArray mask, NDArray weights) {
    NDArray q = q0.duplicate();
    NDArray k = k0.duplicate();
    NDArray v = v0.duplicate();
    for (NDArray x : List.of(q, k, v)) {
      x.setRequiresGradient(true);
    }
    Autograd.setRecording(true);
    try {
      NDArray out = switch (form) {
        case REFERENCE -> writtenOut(q, k, v, mask);
        case FUSED -> FusedAttention.apply(q, k, v, mask);
        case EXPLICIT -> Attention.explicit(q, k, v, mask);
        case CHOSEN_AT_TWO_THREADS -> atTwoThreads(() -> Attention.apply(q, k, v, mask));
      };
      Autograd.backward(out.mul(weights).sum());
      return List.of(out.toFloatArray(), q.getGradient().toFloatArray(),
          k.getGradient().toFloatArray(), v.getGradient().toFloatArray());
    } finally {
      Autograd.setRecording(false);
    }
  }

  private static NDArray atTwoThreads(java.util.function.Supplier<NDArray> attention) {
    int before = JniUtils.getNumThreads();
    JniUtils.setNumThreads(2);
    try {
      return attention.get();
    } finally {
      JniUtils.setNumThreads(before);
    }
  }

  private static void assertSameAsWrittenOut(Form form, boolean padded) {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      m.getEngine().setRandomSeed(7);
      Shape shape = new Shape(2, 3, 5, 4);
      NDArray q = m.randomNormal(shape);
      NDArray k = m.randomNormal(shape);
      NDArray v = m.randomNormal(shape);
      NDArray weights = m.randomNormal(shape);
      // the second sequence ends in two padding tokens
      NDArray mask = padded
          ? m.create(new float[] {0, 0, 0, 0, 0, 0, 0, 0, -1e9f, -1e9f}, new Shape(2, 1, 1, 5))
          : null;
      List<float[]> expected = outputAndGradients(Form.REFERENCE, q, k, v, mask, weights);
      List<float[]> actual = outputAndGradients(form, q, k, v, mask, weights);
      String[] names = {"output", "dq", "dk", "dv"};
      for (int i = 0; i < names.length; i++) {
        assertArrayEquals(expected.get(i), actual.get(i), TOLERANCE, form + " " + names[i]);
      }
      if (padded) {
        // padding keys get no attention, so their values get no gradient
        float[] dv = actual.get(3);
        int perToken = 4;
        int perHead = 5 * perToken;
        for (int head = 0; head < 3; head++) {
          int base = (3 + head) * perHead;   // batch 1
          for (int j = 3 * perToken; j < 5 * perToken; j++) {
            assertTrue(Math.abs(dv[base + j]) < 1e-7f, "dv of a padding token: " + dv[base + j]);
          }
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"FUSED", "EXPLICIT", "CHOSEN_AT_TWO_THREADS"})
  void matchesAttentionWrittenOutWithoutPadding(Form form) {
    assertSameAsWrittenOut(form, false);
  }

  @ParameterizedTest
  @EnumSource(names = {"FUSED", "EXPLICIT", "CHOSEN_AT_TWO_THREADS"})
  void matchesAttentionWrittenOutWithPadding(Form form) {
    assertSameAsWrittenOut(form, true);
  }

  @Test
  void theFusedKernelRunsOnGpusOneThreadAndLongSequences() {
    assertTrue(Attention.usesFusedKernel(true, 8, 128), "GPU");
    assertTrue(Attention.usesFusedKernel(false, 1, 128), "one CPU thread");
    assertTrue(Attention.usesFusedKernel(false, 4, Attention.LONGEST_EXPLICIT + 1), "long");
    assertFalse(Attention.usesFusedKernel(false, 2, 128), "CPU, 2 threads, 128 tokens");
    assertFalse(Attention.usesFusedKernel(false, 2, Attention.LONGEST_EXPLICIT), "at the limit");
  }

  @ParameterizedTest
  @EnumSource(names = {"FUSED", "EXPLICIT"})
  void recordsAGraphOnlyWhenTheCallerRecords(Form form) {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray q = m.randomNormal(new Shape(1, 2, 3, 4));
      q.setRequiresGradient(true);
      Autograd.setRecording(false);
      NDArray untracked = attend(form, q).sum();
      assertThrows(EngineException.class, () -> Autograd.backward(untracked),
          "not recording: the output has no graph to differentiate");
      Autograd.setRecording(true);
      try {
        Autograd.backward(attend(form, q).mul(q).sum());
      } finally {
        Autograd.setRecording(false);
      }
      assertTrue(q.getGradient().abs().sum().getFloat() > 0, "recording: q gets a gradient");
    }
  }

  private static NDArray attend(Form form, NDArray q) {
    return form == Form.FUSED ? FusedAttention.apply(q, q, q, null)
        : Attention.explicit(q, q, q, null);
  }
}
