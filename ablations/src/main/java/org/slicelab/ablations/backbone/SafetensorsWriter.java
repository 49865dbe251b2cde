package org.slicelab.ablations.backbone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.slicelab.ablations.cache.AtomicFiles;

/**
 * Writes and reads float32 tensors in the safetensors format, so weights can be loaded by
 * Hugging Face tools: an 8-byte little-endian header length N, N bytes of JSON (padded with
 * spaces to a multiple of 8) mapping each name to {@code {"dtype":"F32","shape":[..],
 * "data_offsets":[begin,end]}} plus an optional {@code "__metadata__"} string map, then the raw
 * little-endian data; offsets are relative to the end of the header.
 */
public final class SafetensorsWriter {
  private static final String METADATA = "__metadata__";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CHUNK_FLOATS = 1 << 16;

  private SafetensorsWriter() {
  }

  /**
   * Writes the tensors (in map order) atomically: to a temp file next to {@code file}, then moved.
   *
   * @param metadata free-form string pairs stored under {@code __metadata__}; may be empty
   */
  public static void write(Path file, Map<String, FloatTensor> tensors,
      Map<String, String> metadata) {
    Map<String, Object> header = new LinkedHashMap<>();
    if (metadata != null && !metadata.isEmpty()) {
      header.put(METADATA, new LinkedHashMap<>(metadata));
    }
    long offset = 0;
    for (Map.Entry<String, FloatTensor> e : tensors.entrySet()) {
      if (e.getKey().equals(METADATA)) {
        throw new IllegalArgumentException("a tensor cannot be named " + METADATA);
      }
      long end = offset + e.getValue().numel() * Float.BYTES;
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("dtype", "F32");
      entry.put("shape", e.getValue().shape());
      entry.put("data_offsets", new long[] {offset, end});
      header.put(e.getKey(), entry);
      offset = end;
    }
    Path dir = file.toAbsolutePath().getParent();
    try {
      byte[] json = JSON.writeValueAsBytes(header);
      int padded = (json.length + 7) / 8 * 8;
      ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
      head.putLong(padded).put(json);
      while (head.hasRemaining()) {
        head.put((byte) ' ');
      }
      head.flip();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
      try {
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
          writeFully(out, head);
          ByteBuffer buf = ByteBuffer.allocate(CHUNK_FLOATS * Float.BYTES)
              .order(ByteOrder.LITTLE_ENDIAN);
          for (FloatTensor t : tensors.values()) {
            float[] v = t.values();
            for (int from = 0; from < v.length; from += CHUNK_FLOATS) {
              int n = Math.min(CHUNK_FLOATS, v.length - from);
              buf.clear();
              buf.asFloatBuffer().put(v, from, n);
              buf.limit(n * Float.BYTES);
              writeFully(out, buf);
            }
          }
          out.force(true);
        }
        AtomicFiles.replace(tmp, file);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write safetensors file " + file, e);
    }
  }

  /** Reads every tensor of a safetensors file, in header order (metadata is skipped). */
  public static Map<String, FloatTensor> read(Path file) {
    return read(file, name -> true);
  }

  /**
   * Reads the tensors whose names {@code wanted} accepts, in header order, as float32: F32 as
   * stored, F16 and BF16 widened exactly; a wanted tensor of another dtype is an error.
   */
  public static Map<String, FloatTensor> read(Path file, Predicate<String> wanted) {
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      JsonNode header = readHeader(in, file);
      long dataStart = 8 + headerLength(in);
      Map<String, FloatTensor> tensors = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals(METADATA) || !wanted.test(e.getKey())) {
          continue;
        }
        JsonNode info = e.getValue();
        String dtype = info.path("dtype").asText();
        int width = switch (dtype) {
          case "F32" -> 4;
          case "F16", "BF16" -> 2;
          default -> throw new IOException("tensor " + e.getKey() + " has dtype " + dtype
              + "; supported are F32, F16, BF16");
        };
        List<Long> dims = new ArrayList<>();
        info.path("shape").forEach(d -> dims.add(d.asLong()));
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        long begin = info.path("data_offsets").get(0).asLong();
        long end = info.path("data_offsets").get(1).asLong();
        long count = (end - begin) / width;
        if (end < begin || dataStart + end > in.size() || end - begin > Integer.MAX_VALUE) {
          throw new IOException("bad data_offsets for " + e.getKey() + " in " + file);
        }
        ByteBuffer data = ByteBuffer.allocate((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
        readFully(in, data, dataStart + begin);
        data.flip();
        float[] values = new float[(int) count];
        switch (dtype) {
          case "F32" -> data.asFloatBuffer().get(values);
          case "F16" -> {
            for (int i = 0; i < values.length; i++) {
              values[i] = halfToFloat(data.getShort());
            }
          }
          default -> {
            for (int i = 0; i < values.length; i++) {
              values[i] = Float.intBitsToFloat((data.getShort() & 0xffff) << 16);
            }
          }
        }
        try {
          tensors.put(e.getKey(), new FloatTensor(shape, values));
        } catch (IllegalArgumentException bad) {
          throw new IOException("tensor " + e.getKey() + ": " + bad.getMessage());
        }
      }
      return tensors;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read safetensors file " + file, e);
    }
  }

  /** The {@code __metadata__} of a safetensors file (empty if it has none). */
  public static Map<String, String> readMetadata(Path file) {
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      JsonNode meta = readHeader(in, file).path(METADATA);
      Map<String, String> out = new LinkedHashMap<>();
      meta.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read safetensors file " + file, e);
    }
  }

  /** IEEE 754 half precision to float (exact; Java 17 has no built-in conversion). */
  static float halfToFloat(short half) {
    int bits = half & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      float magnitude = mantissa * 0x1p-24f; // subnormal (or zero)
      return sign == 0 ? magnitude : -magnitude;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  /** The JSON header's length N, from the first 8 bytes. */
  private static long headerLength(FileChannel in) throws IOException {
    ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    readFully(in, len, 0);
    return len.flip().getLong();
  }

  private static JsonNode readHeader(FileChannel in, Path file) throws IOException {
    long length = headerLength(in);
    if (length <= 0 || length > 100_000_000L || 8 + length > in.size()) {
      throw new IOException("bad header length " + length + " in " + file);
    }
    ByteBuffer bytes = ByteBuffer.allocate((int) length);
    readFully(in, bytes, 8);
    JsonNode header = JSON.readTree(new String(bytes.array(), StandardCharsets.UTF_8));
    if (header == null || !header.isObject()) {
      throw new IOException("safetensors header of " + file + " is not a JSON object");
    }
    return header;
  }

  private static void writeFully(FileChannel out, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      out.write(buf);
    }
  }

  private static void readFully(FileChannel in, ByteBuffer buf, long position) throws IOException {
    while (buf.hasRemaining()) {
      int n = in.read(buf, position);
      if (n < 0) {
        throw new IOException("unexpected end of file");
      }
      position += n;
    }
  }
}
