package org.slicelab.ablations.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks the safetensors writer against the format, independently of its own reader. */
class SafetensorsWriterTest {

  private static Map<String, FloatTensor> sample() {
    Random random = new Random(7);
    Map<String, FloatTensor> tensors = new LinkedHashMap<>();
    tensors.put("encoder.layer.0.attention.self.query.weight", random(random, 5, 3));
    tensors.put("encoder.layer.0.attention.self.query.bias", random(random, 5));
    tensors.put("odd", random(random, 7)); // 28 bytes: next offset is not a multiple of 8
    tensors.put("big", random(random, 300, 257)); // larger than one write chunk
    tensors.put("cube", random(random, 2, 3, 4));
    return tensors;
  }

  private static FloatTensor random(Random random, long... shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    float[] values = new float[(int) n];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return new FloatTensor(shape, values);
  }

  @Test
  void roundTripIsExact(@TempDir Path dir) {
    Path file = dir.resolve("w.safetensors");
    Map<String, FloatTensor> tensors = sample();
    SafetensorsWriter.write(file, tensors, Map.of("source", "test"));
    Map<String, FloatTensor> back = SafetensorsWriter.read(file);
    assertEquals(tensors, back);
    assertEquals(List.copyOf(tensors.keySet()), List.copyOf(back.keySet()));
    assertEquals(Map.of("source", "test"), SafetensorsWriter.readMetadata(file));
  }

  @Test
  void headerFollowsTheFormat(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("w.safetensors");
    Map<String, FloatTensor> tensors = sample();
    SafetensorsWriter.write(file, tensors, Map.of("weights_sha256", "abc", "step", "3"));

    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long headerLength = buf.getLong(0);
    assertEquals(0, headerLength % 8);
    String headerText = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
    assertTrue(headerText.matches("(?s)\\{.*\\} *"), "JSON object padded with spaces only");
    JsonNode header = new ObjectMapper().readTree(headerText);
    assertEquals("abc", header.path("__metadata__").path("weights_sha256").asText());
    assertEquals("3", header.path("__metadata__").path("step").asText());

    long dataStart = 8 + headerLength;
    long expectedBegin = 0;
    int names = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals("__metadata__")) {
        continue;
      }
      names++;
      FloatTensor t = tensors.get(e.getKey());
      assertEquals("F32", e.getValue().path("dtype").asText());
      long[] shape = new long[e.getValue().path("shape").size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = e.getValue().path("shape").get(i).asLong();
      }
      assertArrayEquals(t.shape(), shape);
      long begin = e.getValue().path("data_offsets").get(0).asLong();
      long end = e.getValue().path("data_offsets").get(1).asLong();
      assertEquals(expectedBegin, begin, e.getKey());
      assertEquals(begin + 4 * t.numel(), end, e.getKey());
      float[] raw = new float[(int) t.numel()];
      for (int i = 0; i < raw.length; i++) {
        raw[i] = buf.getFloat((int) (dataStart + begin + 4L * i));
      }
      assertArrayEquals(t.values(), raw, e.getKey());
      expectedBegin = end;
    }
    assertEquals(tensors.size(), names);
    assertEquals(dataStart + expectedBegin, bytes.length);
  }

  @Test
  void overwritesAtomicallyWithoutLeftovers(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("w.safetensors");
    SafetensorsWriter.write(file, sample(), Map.of());
    Map<String, FloatTensor> second = Map.of("only", new FloatTensor(new long[] {2},
        new float[] {1.5f, -2f}));
    SafetensorsWriter.write(file, second, Map.of());
    assertEquals(second, SafetensorsWriter.read(file));
    assertEquals(Map.of(), SafetensorsWriter.readMetadata(file));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList());
    }
  }

  @Test
  void tensorEqualityIsByContent() {
    FloatTensor a = new FloatTensor(new long[] {2, 2}, new float[] {1, 2, 3, 4});
    FloatTensor b = new FloatTensor(new long[] {2, 2}, new float[] {1, 2, 3, 4});
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, new FloatTensor(new long[] {4}, new float[] {1, 2, 3, 4}));
    assertEquals(3f, a.get(1, 0));
    assertEquals(new FloatTensor(new long[] {2, 2}, new float[] {1, 3, 2, 4}), a.transpose());
  }
}
