package org.slicelab.ablations.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slicelab.ablations.backbone.ModelExport;
import org.slicelab.ablations.backbone.TextClassifier;
import org.slicelab.ablations.method.FineTuningMethod;
import org.slicelab.ablations.method.Sift;
import org.slicelab.ablations.method.SliceAdapter;
import org.slicelab.ablations.method.SliceFine;
import org.slicelab.ablations.train.Trainable;

/**
 * The saved artefacts of a trained method and their sizes.
 *
 * <ul>
 *   <li><b>merged</b>: what every method ships after {@code merge}: the whole classifier as
 *       {@code model.safetensors} + {@code config.json} via {@link ModelExport} for a text
 *       encoder, the backbone's own export ({@code model.json} + weight shards) for an image
 *       network (identical architecture for every method, so identical size).
 *   <li><b>increments</b>: only what training changed, as one safetensors file: every trainable
 *       tensor's trained values (slice rows/columns, SIFT's k entries, LoRA's A and B, the head),
 *       plus int32 index tensors where the position is not implied (slice indices, SIFT's flat
 *       indices). This is what a PEFT checkpoint would hold; for {@code full} it is the whole
 *       model again.
 * </ul>
 *
 * @param mergedBytes bytes of the merged model's files
 * @param incrementBytes bytes of increments.safetensors
 */
public record ArtifactSizes(long mergedBytes, long incrementBytes) {

  /**
   * Writes the increments, merges the method into the model and exports it (classes named
   * {@code labelNames}), under {@code dir}; the model is merged afterwards, so call this last.
   */
  public static ArtifactSizes save(BenchCase trained, Path dir, List<String> labelNames) {
    FineTuningMethod method = trained.tuning();
    long increments;
    try (NDScope scope = new NDScope()) {
      Map<String, Tensor> tensors = new LinkedHashMap<>();
      for (Trainable t : method.trainables()) {
        NDArray values = t.decayTarget();
        tensors.put(t.name(), Tensor.f32(values.getShape().getShape(), values.toFloatArray()));
      }
      if (method instanceof SliceFine slices) {
        for (Map.Entry<String, SliceAdapter> e : slices.slices().entrySet()) {
          int[] idx = e.getValue().indices();
          tensors.put(e.getKey() + "." + e.getValue().axis().label() + "_slice.indices",
              Tensor.i32(new long[] {idx.length}, idx));
        }
      }
      if (method instanceof Sift sift) {
        for (Map.Entry<String, long[]> e : sift.selectedIndices().entrySet()) {
          long[] flat = e.getValue();
          int[] idx = new int[flat.length];
          for (int i = 0; i < flat.length; i++) {
            idx[i] = Math.toIntExact(flat[i]);
          }
          tensors.put(e.getKey() + ".indices", Tensor.i32(new long[] {idx.length}, idx));
        }
      }
      increments = write(dir.resolve("increments.safetensors"), tensors,
          Map.of("method", trained.method().label()));
      scope.suppressNotUsedWarning();
    }
    method.merge(trained.model());
    Map<String, String> metadata = Map.of("method", trained.method().label());
    // text: weights and config only (as measured since the first session); images: the
    // backbone's own export (model.json and weight shards)
    long merged = trained.model() instanceof TextClassifier text
        ? ModelExport.save(text, dir.resolve("merged"), labelNames, null, metadata)
        : trained.backbone().save(trained.model(), dir.resolve("merged"), labelNames, metadata);
    return new ArtifactSizes(merged, increments);
  }

  /** A tensor to write: dtype F32 (floats) or I32 (ints). */
  record Tensor(String dtype, long[] shape, float[] floats, int[] ints) {
    static Tensor f32(long[] shape, float[] v) {
      return new Tensor("F32", shape, v, null);
    }

    static Tensor i32(long[] shape, int[] v) {
      return new Tensor("I32", shape, null, v);
    }

    long bytes() {
      return 4L * (floats != null ? floats.length : ints.length);
    }
  }

  /** Writes a safetensors file with F32 and I32 tensors; returns its size in bytes. */
  static long write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("__metadata__", metadata);
    long offset = 0;
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("dtype", e.getValue().dtype());
      entry.put("shape", e.getValue().shape());
      entry.put("data_offsets", new long[] {offset, offset + e.getValue().bytes()});
      header.put(e.getKey(), entry);
      offset += e.getValue().bytes();
    }
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      byte[] json = new ObjectMapper().writeValueAsString(header)
          .getBytes(StandardCharsets.UTF_8);
      int padded = (json.length + 7) / 8 * 8;
      try (OutputStream out = Files.newOutputStream(file)) {
        ByteBuffer head = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
        out.write(head.array());
        out.write(json);
        for (int i = json.length; i < padded; i++) {
          out.write(' ');
        }
        List<Tensor> list = new ArrayList<>(tensors.values());
        for (Tensor t : list) {
          ByteBuffer buf = ByteBuffer.allocate((int) t.bytes()).order(ByteOrder.LITTLE_ENDIAN);
          if (t.floats() != null) {
            buf.asFloatBuffer().put(t.floats());
          } else {
            buf.asIntBuffer().put(t.ints());
          }
          out.write(buf.array());
        }
      }
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
