package org.slicelab.ablations.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link AdamW} against PyTorch's {@code torch.optim.AdamW} (betas 0.9/0.999, eps 1e-8, decoupled
 * decay) with {@code clip_grad_norm_}: same start values, same gradients, same per-step learning
 * rates; the values after every step and the norm before clipping must agree to float32
 * precision. Reference: {@code train-reference.json}, made by
 * {@code src/test/python/train_reference.py}.
 */
class AdamWReferenceTest {
  private static NDManager manager;
  private static JsonNode reference;

  @BeforeAll
  static void setUp() throws Exception {
    Autograd.ensureEngine();
    Autograd.setRecording(false);
    manager = NDManager.newBaseManager("PyTorch");
    try (InputStream in = AdamWReferenceTest.class.getResourceAsStream("train-reference.json")) {
      reference = new ObjectMapper().readTree(in);
    }
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  static float[] floats(JsonNode values) {
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) values.get(i).asDouble();
    }
    return out;
  }

  private static Shape shape(JsonNode dims) {
    long[] out = new long[dims.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = dims.get(i).asLong();
    }
    return new Shape(out);
  }

  /**
   * Both update paths: arrays trained whole go through torch's fused kernel; any other
   * {@link Trainable} (slices, sparse entries, increments) through DJL element-wise operations,
   * reached here by hiding the {@link DenseTrainable} behind a plain {@link Trainable}.
   */
  @ParameterizedTest(name = "fused kernel: {0}")
  @ValueSource(booleans = {true, false})
  void matchesTorchAdamWStepByStep(boolean fused) {
    assertEquals(2, reference.get("adamw").size());
    for (JsonNode c : reference.get("adamw")) {
      String name = c.get("name").asText();
      try (NDManager m = manager.newSubManager()) {
        List<NDArray> params = new ArrayList<>();
        List<Trainable> trainables = new ArrayList<>();
        for (int t = 0; t < c.get("shapes").size(); t++) {
          NDArray p = m.create(floats(c.get("initial").get(t)), shape(c.get("shapes").get(t)));
          p.setName("encoder.layer." + t + ".output.dense.weight"); // named, as parameters are
          params.add(p);
          DenseTrainable dense = new DenseTrainable("p" + t, p);
          trainables.add(fused ? dense : elementWise(dense));
        }
        AdamW optimizer = new AdamW(trainables, c.get("weight_decay").asDouble(),
            c.get("clip").asDouble());
        int step = 0;
        for (JsonNode s : c.get("steps")) {
          step++;
          setGradients(params, s.get("grads"), m);
          float norm = optimizer.step(s.get("lr").asDouble());
          double expectedNorm = s.get("grad_norm").asDouble();
          assertEquals(expectedNorm, norm, 1e-5 * expectedNorm, name + " step " + step
              + ": gradient norm before clipping");
          for (int t = 0; t < params.size(); t++) {
            float[] expected = floats(s.get("after").get(t));
            float[] actual = params.get(t).toFloatArray();
            for (int i = 0; i < expected.length; i++) {
              assertEquals(expected[i], actual[i], 2e-6, name + " step " + step + " tensor " + t
                  + " entry " + i);
            }
          }
        }
        assertEquals(step, optimizer.steps());
        optimizer.close();
      }
    }
  }

  /** The same trainable as a plain {@link Trainable}, which AdamW updates element-wise. */
  private static Trainable elementWise(DenseTrainable dense) {
    return new Trainable() {
      @Override
      public String name() {
        return dense.name();
      }

      @Override
      public long size() {
        return dense.size();
      }

      @Override
      public NDArray gradient() {
        return dense.gradient();
      }

      @Override
      public NDArray decayTarget() {
        return dense.decayTarget();
      }

      @Override
      public void update(NDArray delta) {
        dense.update(delta);
      }

      @Override
      public void zeroGradient() {
        dense.zeroGradient();
      }
    };
  }

  /** Back-propagates loss = sum_t sum(p_t * G_t), whose gradient is exactly G_t. */
  private static void setGradients(List<NDArray> params, JsonNode grads, NDManager m) {
    Autograd.setRecording(true);
    try {
      NDArray loss = null;
      for (int t = 0; t < params.size(); t++) {
        NDArray g = m.create(floats(grads.get(t)), params.get(t).getShape());
        NDArray term = params.get(t).mul(g).sum();
        loss = loss == null ? term : loss.add(term);
      }
      Autograd.backward(loss);
    } finally {
      Autograd.setRecording(false);
    }
  }

  @Test
  void stateIsTwoFloatsPerTrainableScalar() {
    try (NDManager m = manager.newSubManager()) {
      NDArray a = m.zeros(new Shape(3, 4));
      NDArray b = m.zeros(new Shape(5));
      AdamW optimizer = new AdamW(List.of(new DenseTrainable("a", a),
          new DenseTrainable("b", b)), 0, 0);
      assertEquals(17L * 2 * Float.BYTES, optimizer.stateBytes());
      assertTrue(optimizer.steps() == 0);
      optimizer.close();
    }
  }
}
