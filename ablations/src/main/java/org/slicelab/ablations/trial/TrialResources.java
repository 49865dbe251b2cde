package org.slicelab.ablations.trial;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slicelab.ablations.backbone.BertConfig;
import org.slicelab.ablations.backbone.FloatTensor;
import org.slicelab.ablations.backbone.Backbone;
import org.slicelab.ablations.backbone.Backbones;
import org.slicelab.ablations.backbone.TextTokenizer;
import org.slicelab.ablations.data.DatasetSplits;
import org.slicelab.ablations.data.LabeledText;
import org.slicelab.ablations.data.Dataset;
import org.slicelab.ablations.data.Datasets;
import org.slicelab.ablations.train.EncodedDataset;

/**
 * What trials in one JVM share: the backbones (weights read once each, see {@link Backbones}),
 * tokenizers, and tokenized splits. Spark tasks in one executor use the same instance, so only
 * the first trial of an executor pays the loading cost. Thread-safe.
 */
public final class TrialResources {
  private static final TrialResources SHARED = new TrialResources();

  private final Map<String, TextTokenizer> tokenizers = new ConcurrentHashMap<>();
  private final Map<String, TaskData> taskData = new ConcurrentHashMap<>();

  /** The JVM-wide instance. */
  public static TrialResources shared() {
    return SHARED;
  }

  /** The backbone named by a {@code backbone} option value (cached per JVM). */
  public Backbone backbone(String name) {
    return Backbones.get(name);
  }

  /** The default backbone's shape. */
  public BertConfig config() {
    return backbone(Backbones.DEFAULT).config();
  }

  /** The default backbone's weights by Hugging Face name (read once per JVM). */
  public Map<String, FloatTensor> pretrainedWeights() {
    return backbone(Backbones.DEFAULT).weights();
  }

  /** SHA-256 of the default backbone's weight file. */
  public String weightsChecksum() {
    return backbone(Backbones.DEFAULT).weightsSha256();
  }

  /** The default backbone's tokenizer, truncating and padding to {@code maxLen}. */
  public TextTokenizer tokenizer(int maxLen) {
    return tokenizer(Backbones.DEFAULT, maxLen);
  }

  /** A backbone's tokenizer, truncating and padding to {@code maxLen} (cached). */
  public TextTokenizer tokenizer(String backbone, int maxLen) {
    Backbone b = backbone(backbone);
    return tokenizers.computeIfAbsent(b.name() + "/" + maxLen,
        k -> new TextTokenizer(b.tokenizerPath(), maxLen));
  }

  /** Tokenized splits for a spec (cached by the fields that matter). */
  public TaskData taskData(TrialSpec spec) {
    String key = spec.backbone() + "/" + spec.dataset() + "/" + spec.trainSize() + "/"
        + spec.valSize() + "/" + spec.testSize() + "/" + spec.seed() + "/" + spec.dataSeed()
        + "/" + spec.maxLen();
    return taskData.computeIfAbsent(key, k -> {
      Dataset dataset = Datasets.get(spec.dataset());
      DatasetSplits splits = dataset.load(spec.trainSize(), spec.valSize(), spec.testSize(),
          spec.seed(), spec.dataSeed());
      TextTokenizer tokenizer = tokenizer(spec.backbone(), spec.maxLen());
      return new TaskData(encode(tokenizer, splits.train()), encode(tokenizer,
          splits.validation()), encode(tokenizer, splits.test()), dataset.checksum(),
          dataset.labelNames());
    });
  }

  private static EncodedDataset encode(TextTokenizer tokenizer, List<LabeledText> examples) {
    List<String> texts = new ArrayList<>(examples.size());
    int[] labels = new int[examples.size()];
    for (int i = 0; i < examples.size(); i++) {
      texts.add(examples.get(i).text());
      labels[i] = examples.get(i).label();
    }
    TextTokenizer.Encoded encoded = tokenizer.encode(texts);
    return new EncodedDataset(encoded.inputIds(), encoded.attentionMask(),
        encoded.tokenTypeIds(), labels);
  }

  /**
   * Tokenized splits of one task.
   *
   * @param train training examples
   * @param validation validation examples
   * @param test test examples
   * @param dataChecksum SHA-256 of the raw data
   * @param labelNames class names by label id (the head has one output per class)
   */
  public record TaskData(EncodedDataset train, EncodedDataset validation, EncodedDataset test,
      String dataChecksum, List<String> labelNames) {
    /** The number of classes. */
    public int numClasses() {
      return labelNames.size();
    }
  }
}
