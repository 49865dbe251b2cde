package org.slicelab.ablations.select;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slicelab.ablations.cache.ArtifactCache;

/**
 * The cache file of a {@link MaskSummary}, big-endian ({@link DataOutputStream}): magic
 * {@code "SLTH"}, format version (int, {@value #VERSION}), key (int length + UTF-8 bytes), compute
 * seconds (double), total and kept entries (long, long), layer count (int), then per layer: name
 * (modified UTF-8), rows, cols (int, int), in version 2 also the entries of one row and of one
 * column unit (int, int), then kept per row and per column (ints), |W| sum per row and
 * per column (floats).
 */
public final class MaskSummaryFormat implements ArtifactCache.Format<MaskSummary> {
  /**
   * Bumped whenever the layout above changes; files of another version are recomputed. Masks of
   * Linear layers only (one entry per row and column pair) are still written as version 1, so
   * files cached by earlier versions keep their bytes; masks with convolutions are version 2.
   */
  static final int VERSION = 2;
  private static final int LINEAR_VERSION = 1;
  private static final int MAGIC = 0x534c5448; // "SLTH"

  @Override
  public void write(String key, MaskSummary summary, OutputStream stream) throws IOException {
    DataOutputStream out = new DataOutputStream(stream);
    boolean linear = summary.layers().values().stream()
        .allMatch(d -> d.rowEntries() == d.cols() && d.colEntries() == d.rows());
    out.writeInt(MAGIC);
    out.writeInt(linear ? LINEAR_VERSION : VERSION);
    byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
    out.writeInt(keyBytes.length);
    out.write(keyBytes);
    out.writeDouble(summary.computeSeconds());
    out.writeLong(summary.totalEntries());
    out.writeLong(summary.keptEntries());
    out.writeInt(summary.layers().size());
    for (MaskSummary.LayerDensity d : summary.layers().values()) {
      out.writeUTF(d.name());
      out.writeInt(d.rows());
      out.writeInt(d.cols());
      if (!linear) {
        out.writeInt(d.rowEntries());
        out.writeInt(d.colEntries());
      }
      writeInts(out, d.rowKept());
      writeInts(out, d.colKept());
      writeFloats(out, d.rowMagnitude());
      writeFloats(out, d.colMagnitude());
    }
    out.flush();
  }

  @Override
  public MaskSummary read(String key, InputStream stream) throws IOException {
    DataInputStream in = new DataInputStream(stream);
    if (in.readInt() != MAGIC) {
      return null;
    }
    int version = in.readInt();
    if (version != VERSION && version != LINEAR_VERSION) {
      return null;
    }
    byte[] storedKey = new byte[in.readInt()];
    in.readFully(storedKey);
    if (!new String(storedKey, StandardCharsets.UTF_8).equals(key)) {
      return null;
    }
    double seconds = in.readDouble();
    long total = in.readLong();
    long kept = in.readLong();
    int count = in.readInt();
    Map<String, MaskSummary.LayerDensity> layers = new LinkedHashMap<>();
    for (int l = 0; l < count; l++) {
      String name = in.readUTF();
      int rows = in.readInt();
      int cols = in.readInt();
      int rowEntries = version == LINEAR_VERSION ? cols : in.readInt();
      int colEntries = version == LINEAR_VERSION ? rows : in.readInt();
      layers.put(name, new MaskSummary.LayerDensity(name, rows, cols, rowEntries, colEntries,
          readInts(in, rows),
          readInts(in, cols), readFloats(in, rows), readFloats(in, cols)));
    }
    return new MaskSummary(key, Collections.unmodifiableMap(layers), total, kept, seconds);
  }

  private static void writeInts(DataOutputStream out, int[] values) throws IOException {
    for (int v : values) {
      out.writeInt(v);
    }
  }

  private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
    for (float v : values) {
      out.writeFloat(v);
    }
  }

  private static int[] readInts(DataInputStream in, int n) throws IOException {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = in.readInt();
    }
    return out;
  }

  private static float[] readFloats(DataInputStream in, int n) throws IOException {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = in.readFloat();
    }
    return out;
  }
}
