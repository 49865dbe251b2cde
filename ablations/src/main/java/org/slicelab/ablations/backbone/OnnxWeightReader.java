package org.slicelab.ablations.backbone;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads the float weights of a Hugging Face BERT encoder exported to ONNX, under their Hugging
 * Face names, with a small hand-written protobuf reader (no generated ONNX classes).
 *
 * <p>PyTorch's exporter keeps the names of embeddings, biases and LayerNorms, but renames each
 * Linear weight to {@code onnx::MatMul_NNN} and stores it [in, out]. The reader recovers the name
 * from the graph (the MatMul reading the weight feeds an Add whose other input is the Linear's
 * bias {@code X.bias}, so the weight is {@code X.weight}) and transposes it to a Linear's
 * [out, in]. The result holds exactly the BERT encoder weights (embeddings, then layer by layer in
 * Hugging Face order), plus any other Hugging Face-named float initializer (e.g. a pooler).
 * Unnamed constants ({@code onnx::...}) that are not Linear weights are dropped.
 */
public final class OnnxWeightReader {
  // ONNX field numbers (onnx.proto).
  private static final int MODEL_GRAPH = 7;
  private static final int GRAPH_NODE = 1;
  private static final int GRAPH_INITIALIZER = 5;
  private static final int NODE_INPUT = 1;
  private static final int NODE_OUTPUT = 2;
  private static final int NODE_OP_TYPE = 4;
  private static final int TENSOR_DIMS = 1;
  private static final int TENSOR_DATA_TYPE = 2;
  private static final int TENSOR_FLOAT_DATA = 4;
  private static final int TENSOR_NAME = 8;
  private static final int TENSOR_RAW_DATA = 9;
  private static final int TENSOR_DATA_LOCATION = 14;
  private static final int DATA_TYPE_FLOAT = 1;

  /** Prefix PyTorch's exporter gives to anonymous initializers. */
  private static final String ANONYMOUS = "onnx::";

  /** Weight names of one encoder layer, relative to {@code encoder.layer.N.}, in HF order. */
  private static final List<String> LAYER_WEIGHTS = List.of(
      "attention.self.query.weight", "attention.self.query.bias",
      "attention.self.key.weight", "attention.self.key.bias",
      "attention.self.value.weight", "attention.self.value.bias",
      "attention.output.dense.weight", "attention.output.dense.bias",
      "attention.output.LayerNorm.weight", "attention.output.LayerNorm.bias",
      "intermediate.dense.weight", "intermediate.dense.bias",
      "output.dense.weight", "output.dense.bias",
      "output.LayerNorm.weight", "output.LayerNorm.bias");

  /** Embedding weights, in HF order. */
  private static final List<String> EMBEDDING_WEIGHTS = List.of(
      "embeddings.word_embeddings.weight",
      "embeddings.position_embeddings.weight",
      "embeddings.token_type_embeddings.weight",
      "embeddings.LayerNorm.weight",
      "embeddings.LayerNorm.bias");

  private OnnxWeightReader() {
  }

  /** One graph node: its op type, inputs and outputs. */
  private record Node(String opType, List<String> inputs, List<String> outputs) {
  }

  /**
   * Reads the encoder weights of an ONNX BERT export.
   *
   * @return Hugging Face name to tensor; Linear weights are [out, in]
   * @throws IllegalStateException if a Linear weight's name cannot be recovered or an expected
   *     BERT weight is missing
   */
  public static LinkedHashMap<String, FloatTensor> read(Path onnx) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(onnx);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read ONNX file " + onnx, e);
    }
    Map<String, FloatTensor> initializers = new LinkedHashMap<>();
    List<Node> nodes = new ArrayList<>();
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      in.enableAliasing(true);
      boolean sawGraph = false;
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (WireFormat.getTagFieldNumber(tag) == MODEL_GRAPH) {
          int limit = in.pushLimit(in.readRawVarint32());
          readGraph(in, initializers, nodes);
          in.popLimit(limit);
          sawGraph = true;
        } else {
          in.skipField(tag);
        }
      }
      if (!sawGraph) {
        throw new IllegalStateException(onnx + " has no graph: not an ONNX model?");
      }
    } catch (IOException e) {
      throw new IllegalStateException("malformed ONNX protobuf in " + onnx, e);
    }
    return nameWeights(initializers, nodes, onnx);
  }

  private static void readGraph(CodedInputStream in, Map<String, FloatTensor> initializers,
      List<Node> nodes) throws IOException {
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      int field = WireFormat.getTagFieldNumber(tag);
      if (field == GRAPH_NODE) {
        int limit = in.pushLimit(in.readRawVarint32());
        nodes.add(readNode(in));
        in.popLimit(limit);
      } else if (field == GRAPH_INITIALIZER) {
        int limit = in.pushLimit(in.readRawVarint32());
        readTensor(in, initializers);
        in.popLimit(limit);
      } else {
        in.skipField(tag);
      }
    }
  }

  private static Node readNode(CodedInputStream in) throws IOException {
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    String opType = "";
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case NODE_INPUT -> inputs.add(in.readStringRequireUtf8());
        case NODE_OUTPUT -> outputs.add(in.readStringRequireUtf8());
        case NODE_OP_TYPE -> opType = in.readStringRequireUtf8();
        default -> in.skipField(tag);
      }
    }
    return new Node(opType, inputs, outputs);
  }

  /** Reads one TensorProto; keeps it only if it is a float tensor. */
  private static void readTensor(CodedInputStream in, Map<String, FloatTensor> out)
      throws IOException {
    List<Long> dims = new ArrayList<>();
    int dataType = 0;
    String name = "";
    ByteString raw = null;
    List<Float> floats = new ArrayList<>();
    boolean external = false;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      int field = WireFormat.getTagFieldNumber(tag);
      int wireType = WireFormat.getTagWireType(tag);
      if (field == TENSOR_DIMS && wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        int limit = in.pushLimit(in.readRawVarint32());
        while (in.getBytesUntilLimit() > 0) {
          dims.add(in.readInt64());
        }
        in.popLimit(limit);
      } else if (field == TENSOR_DIMS) {
        dims.add(in.readInt64());
      } else if (field == TENSOR_DATA_TYPE) {
        dataType = in.readInt32();
      } else if (field == TENSOR_FLOAT_DATA && wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        int limit = in.pushLimit(in.readRawVarint32());
        while (in.getBytesUntilLimit() > 0) {
          floats.add(in.readFloat());
        }
        in.popLimit(limit);
      } else if (field == TENSOR_FLOAT_DATA) {
        floats.add(in.readFloat());
      } else if (field == TENSOR_NAME) {
        name = in.readStringRequireUtf8();
      } else if (field == TENSOR_RAW_DATA) {
        raw = in.readBytes();
      } else if (field == TENSOR_DATA_LOCATION) {
        external = in.readInt32() == 1;
      } else {
        in.skipField(tag);
      }
    }
    if (dataType != DATA_TYPE_FLOAT) {
      return;
    }
    if (external) {
      throw new IllegalStateException("initializer " + name
          + " uses ONNX external data, which this reader does not support");
    }
    long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
    float[] values;
    if (raw != null) {
      values = new float[raw.size() / Float.BYTES];
      raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
    } else {
      values = new float[floats.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = floats.get(i);
      }
    }
    out.put(name, new FloatTensor(shape, values));
  }

  /** Renames the anonymous MatMul weights, transposes them, and orders the result HF-style. */
  private static LinkedHashMap<String, FloatTensor> nameWeights(
      Map<String, FloatTensor> initializers, List<Node> nodes, Path onnx) {
    Map<String, List<Node>> consumers = new HashMap<>();
    for (Node node : nodes) {
      for (String input : node.inputs()) {
        consumers.computeIfAbsent(input, k -> new ArrayList<>()).add(node);
      }
    }
    Map<String, FloatTensor> named = new LinkedHashMap<>();
    for (Map.Entry<String, FloatTensor> e : initializers.entrySet()) {
      String name = e.getKey();
      if (!name.startsWith(ANONYMOUS)) {
        named.put(name, e.getValue());
        continue;
      }
      Node matMul = consumers.getOrDefault(name, List.of()).stream()
          .filter(n -> n.opType().equals("MatMul")).findFirst().orElse(null);
      if (matMul == null) {
        continue; // a constant such as a scale or a shape: not a weight
      }
      String hfName = linearWeightName(name, matMul, consumers, initializers);
      if (named.containsKey(hfName)) {
        throw new IllegalStateException(onnx + ": two initializers map to " + hfName);
      }
      if (e.getValue().rank() != 2 || matMul.inputs().indexOf(name) != 1) {
        throw new IllegalStateException(onnx + ": " + name + " (" + hfName
            + ") is not the [in, out] right operand of a MatMul");
      }
      named.put(hfName, e.getValue().transpose());
    }
    return inHfOrder(named, onnx);
  }

  private static String linearWeightName(String initializer, Node matMul,
      Map<String, List<Node>> consumers, Map<String, FloatTensor> initializers) {
    String product = matMul.outputs().get(0);
    for (Node add : consumers.getOrDefault(product, List.of())) {
      if (!add.opType().equals("Add")) {
        continue;
      }
      for (String other : add.inputs()) {
        if (!other.equals(product) && other.endsWith(".bias")
            && initializers.containsKey(other)) {
          return other.substring(0, other.length() - ".bias".length()) + ".weight";
        }
      }
    }
    throw new IllegalStateException("cannot recover the Hugging Face name of " + initializer
        + ": the MatMul reading it (output " + product + ") feeds no Add with a named bias");
  }

  /** Embeddings, then each layer in HF order, then anything else; fails if one is missing. */
  private static LinkedHashMap<String, FloatTensor> inHfOrder(Map<String, FloatTensor> named,
      Path onnx) {
    TreeSet<Integer> layers = new TreeSet<>();
    for (String name : named.keySet()) {
      if (name.startsWith("encoder.layer.")) {
        String rest = name.substring("encoder.layer.".length());
        layers.add(Integer.parseInt(rest.substring(0, rest.indexOf('.'))));
      }
    }
    if (layers.isEmpty()) {
      throw new IllegalStateException(onnx + " has no encoder.layer.N weights: not a BERT export?");
    }
    List<String> expected = new ArrayList<>(EMBEDDING_WEIGHTS);
    for (int layer = 0; layer <= layers.last(); layer++) {
      for (String w : LAYER_WEIGHTS) {
        expected.add("encoder.layer." + layer + "." + w);
      }
    }
    LinkedHashMap<String, FloatTensor> ordered = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (String name : expected) {
      FloatTensor t = named.get(name);
      if (t == null) {
        missing.add(name);
      } else {
        ordered.put(name, t);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException(onnx + " lacks BERT weights " + missing);
    }
    named.forEach(ordered::putIfAbsent);
    return ordered;
  }
}
