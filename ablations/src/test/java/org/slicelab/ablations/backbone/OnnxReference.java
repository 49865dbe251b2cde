package org.slicelab.ablations.backbone;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.Map;

/**
 * Test helper: runs an ONNX BERT export with ONNX Runtime and returns its
 * {@code last_hidden_state}, the reference for checking the project's encoder. One session per
 * instance (single-threaded, so results are reproducible); close it when done.
 */
public final class OnnxReference implements AutoCloseable {
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;

  /** Opens a session on the ONNX file. */
  public OnnxReference(Path onnx) {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      session = env.createSession(onnx.toString(), options);
    } catch (OrtException e) {
      throw new IllegalStateException("cannot open ONNX Runtime session on " + onnx, e);
    }
  }

  /** A session on the all-MiniLM-L6-v2 ONNX file. */
  public static OnnxReference miniLm() {
    return new OnnxReference(PretrainedFiles.miniLm().onnxPath());
  }

  /** {@code last_hidden_state} [B][L][H] for a tokenized batch. */
  public float[][][] lastHiddenState(TextTokenizer.Encoded batch) {
    return lastHiddenState(batch.inputIds(), batch.attentionMask(), batch.tokenTypeIds());
  }

  /**
   * {@code last_hidden_state} [B][L][H].
   *
   * @param inputIds      token ids [B][L]
   * @param attentionMask 1 for real tokens, 0 for padding [B][L]
   * @param tokenTypeIds  segment ids [B][L]
   */
  public float[][][] lastHiddenState(long[][] inputIds, long[][] attentionMask,
      long[][] tokenTypeIds) {
    try (OnnxTensor ids = OnnxTensor.createTensor(env, inputIds);
        OnnxTensor mask = OnnxTensor.createTensor(env, attentionMask);
        OnnxTensor types = OnnxTensor.createTensor(env, tokenTypeIds);
        OrtSession.Result result = session.run(Map.of(
            "input_ids", ids, "attention_mask", mask, "token_type_ids", types))) {
      Object value = result.get("last_hidden_state")
          .orElseThrow(() -> new IllegalStateException("model has no last_hidden_state output"))
          .getValue();
      return (float[][][]) value;
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime inference failed", e);
    }
  }

  /** One-shot convenience: opens a session, runs it once, closes it. */
  public static float[][][] lastHiddenState(Path onnx, long[][] inputIds, long[][] attentionMask,
      long[][] tokenTypeIds) {
    try (OnnxReference reference = new OnnxReference(onnx)) {
      return reference.lastHiddenState(inputIds, attentionMask, tokenTypeIds);
    }
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException("cannot close ONNX Runtime session", e);
    }
  }
}
