package org.slicelab.ablations.backbone.vision;

import org.slicelab.ablations.data.image.ImageNormalization;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slicelab.ablations.backbone.FloatTensor;
import org.slicelab.ablations.cache.Checksums;

/**
 * A Keras image classifier in TensorFlow.js layers format: {@code model.json} (its
 * {@code modelTopology} and {@code weightsManifest}) and the binary weight shards it lists, read
 * with Jackson.
 *
 * <p>{@link #read} parses and checks everything that needs no weight bytes: the layer types
 * (an unknown one is named with its type), every layer's options and shapes
 * ({@link NetworkPlan}), and the manifest against the weights the layers need (a missing,
 * surplus or differently shaped tensor is named with both shapes, an unsupported dtype named).
 * {@link #weights} then reads the shards: float32 values, or uint8/uint16-quantized ones
 * ({@code value = min + scale * q}, as TF.js dequantizes). Tensors keep their Keras names
 * ({@code layer/kernel}) and layouts.
 */
public final class TfjsModelFile {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path modelJson;
  private final NetworkPlan plan;
  private final ImageNormalization normalization;
  private final List<Group> groups;

  /** One manifest group: shard files read as one byte sequence, then its tensors in order. */
  private record Group(List<Path> paths, List<Entry> entries) {
  }

  /** One manifest tensor; {@code quantization} null for plain float32. */
  private record Entry(String name, long[] shape, String quantization, double min,
      double scale) {
    int bytes() {
      long count = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
      return (int) (count * (quantization == null ? 4 : quantization.equals("uint8") ? 1 : 2));
    }
  }

  private TfjsModelFile(Path modelJson, NetworkPlan plan, ImageNormalization normalization,
      List<Group> groups) {
    this.modelJson = modelJson;
    this.plan = plan;
    this.normalization = normalization;
    this.groups = groups;
  }

  /** Reads and checks {@code model.json} (no shard is read yet). */
  public static TfjsModelFile read(Path modelJson) {
    JsonNode root;
    try {
      root = JSON.readTree(modelJson.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the TF.js model " + modelJson + ": "
          + e.getMessage(), e);
    }
    String where = modelJson.toString();
    if (root == null || !root.path("modelTopology").isObject()) {
      throw new IllegalArgumentException(where + " has no modelTopology object: not a TF.js "
          + "layers model (model.json)");
    }
    if (root.path("format").asText("layers-model").equals("graph-model")) {
      throw new IllegalArgumentException(where + " is a TF.js graph model: SliceLab reads "
          + "layers models (Keras topologies)");
    }
    KerasTopology topology = KerasTopology.parse(root.get("modelTopology"), where);
    NetworkPlan plan;
    try {
      plan = NetworkPlan.of(topology);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
    List<Group> groups = manifest(root.path("weightsManifest"), modelJson.toAbsolutePath()
        .getParent(), where);
    checkAgainstPlan(groups, plan, where);
    JsonNode norm = root.path("userDefinedMetadata").path("slicelab").path("imageNormalization");
    ImageNormalization normalization = NormalizationJson.read(norm);
    return new TfjsModelFile(modelJson, plan, normalization, groups);
  }

  /** The {@code model.json} path. */
  public Path path() {
    return modelJson;
  }

  /** The checked topology with shapes and the backbone cut. */
  public NetworkPlan plan() {
    return plan;
  }

  /** The pixel normalisation the network expects. */
  public ImageNormalization normalization() {
    return normalization;
  }

  /** The shard files in manifest order. */
  public List<Path> shards() {
    return groups.stream().flatMap(g -> g.paths.stream()).toList();
  }

  /** SHA-256 of the weight shards (of their "name sha256" lines when there are several). */
  public String weightsSha256() {
    return Checksums.sha256(shards());
  }

  /**
   * Every weight tensor by Keras name, in Keras layout and layer order, read from the shards on
   * each call (callers keep what they need).
   */
  public Map<String, FloatTensor> weights() {
    return readWeights();
  }

  private Map<String, FloatTensor> readWeights() {
    Map<String, FloatTensor> read = new LinkedHashMap<>();
    for (Group group : groups) {
      ByteBuffer data = ByteBuffer.wrap(concat(group.paths)).order(ByteOrder.LITTLE_ENDIAN);
      for (Entry entry : group.entries) {
        if (data.remaining() < entry.bytes()) {
          throw new IllegalArgumentException("the shards " + group.paths + " end before weight '"
              + entry.name + "' (" + entry.bytes() + " bytes needed, " + data.remaining()
              + " left)");
        }
        read.put(entry.name, decode(entry, data));
      }
      if (data.hasRemaining()) {
        throw new IllegalArgumentException("the shards " + group.paths + " hold "
            + data.remaining() + " bytes after the last weight of their manifest group");
      }
    }
    Map<String, FloatTensor> ordered = new LinkedHashMap<>();
    for (String name : plan.weightShapes().keySet()) {
      ordered.put(name, read.get(name));
    }
    return ordered;
  }

  private static FloatTensor decode(Entry entry, ByteBuffer data) {
    float[] values = new float[entry.bytes() / (entry.quantization == null ? 4
        : entry.quantization.equals("uint8") ? 1 : 2)];
    for (int i = 0; i < values.length; i++) {
      if (entry.quantization == null) {
        values[i] = data.getFloat();
      } else {
        int q = entry.quantization.equals("uint8") ? data.get() & 0xff : data.getShort() & 0xffff;
        values[i] = (float) (q * entry.scale + entry.min);
      }
    }
    return new FloatTensor(entry.shape, values);
  }

  private static byte[] concat(List<Path> paths) {
    try {
      if (paths.size() == 1) {
        return Files.readAllBytes(paths.get(0));
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (Path p : paths) {
        out.write(Files.readAllBytes(p));
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the weight shards " + paths, e);
    }
  }

  private static List<Group> manifest(JsonNode manifest, Path dir, String where) {
    if (!manifest.isArray() || manifest.isEmpty()) {
      throw new IllegalArgumentException(where + " has no weightsManifest");
    }
    List<Group> groups = new ArrayList<>();
    for (JsonNode group : manifest) {
      List<Path> paths = new ArrayList<>();
      for (JsonNode p : group.path("paths")) {
        Path shard = dir.resolve(p.asText());
        if (!Files.isRegularFile(shard)) {
          throw new IllegalArgumentException(where + " lists the weight shard '" + p.asText()
              + "', but " + shard + " is not a file");
        }
        paths.add(shard);
      }
      List<Entry> entries = new ArrayList<>();
      for (JsonNode w : group.path("weights")) {
        entries.add(entry(w, where));
      }
      groups.add(new Group(List.copyOf(paths), List.copyOf(entries)));
    }
    return List.copyOf(groups);
  }

  private static Entry entry(JsonNode w, String where) {
    String name = w.path("name").asText();
    String dtype = w.path("dtype").asText();
    JsonNode q = w.path("quantization");
    String qtype = q.isObject() ? q.path("dtype").asText() : null;
    boolean supported = dtype.equals("float32")
        && (qtype == null || qtype.equals("uint8") || qtype.equals("uint16"));
    if (!supported || (qtype != null && !(q.path("scale").isNumber()
        && q.path("min").isNumber()))) {
      throw new IllegalArgumentException(where + ": weight '" + name + "' has dtype '" + dtype
          + "'" + (qtype == null ? "" : " quantized as '" + qtype + "' " + q) + ": supported are "
          + "float32, and float32 quantized as uint8 or uint16 with a min and a scale");
    }
    long[] shape = new long[w.path("shape").size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = w.path("shape").get(i).asLong();
    }
    return new Entry(name, shape, qtype, q.path("min").asDouble(), q.path("scale").asDouble());
  }

  /** Every needed tensor present with the needed shape, and no other. */
  private static void checkAgainstPlan(List<Group> groups, NetworkPlan plan, String where) {
    Map<String, long[]> needed = plan.weightShapes();
    Map<String, long[]> given = new LinkedHashMap<>();
    for (Group group : groups) {
      for (Entry entry : group.entries) {
        if (given.put(entry.name, entry.shape) != null) {
          throw new IllegalArgumentException(where + ": the weightsManifest lists '"
              + entry.name + "' twice");
        }
      }
    }
    for (Map.Entry<String, long[]> e : needed.entrySet()) {
      long[] shape = given.get(e.getKey());
      String layer = e.getKey().substring(0, e.getKey().lastIndexOf('/'));
      String type = plan.topology().layer(layer).type();
      if (shape == null) {
        throw new IllegalArgumentException(where + ": the weightsManifest has no tensor '"
            + e.getKey() + "', which layer '" + layer + "' (" + type + ") needs with shape "
            + Arrays.toString(e.getValue()));
      }
      if (!Arrays.equals(shape, e.getValue())) {
        throw new IllegalArgumentException(where + ": weight '" + e.getKey() + "' has shape "
            + Arrays.toString(shape) + " in the weightsManifest, but layer '" + layer + "' ("
            + type + ") needs " + Arrays.toString(e.getValue()) + " (Keras layout)");
      }
    }
    for (String name : given.keySet()) {
      if (!needed.containsKey(name)) {
        throw new IllegalArgumentException(where + ": the weightsManifest has '" + name
            + "', which no layer of the model uses");
      }
    }
  }
}
