package org.slicelab.ablations.trial;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slicelab.ablations.backbone.CudaRuntime;
import org.slicelab.ablations.backbone.FloatTensor;
import org.slicelab.ablations.backbone.Backbone;
import org.slicelab.ablations.backbone.Backbones;
import org.slicelab.ablations.backbone.TextBackbone;
import org.slicelab.ablations.backbone.VisionBackbone;
import org.slicelab.ablations.backbone.TextTokenizer;
import org.slicelab.ablations.data.DatasetSplits;
import org.slicelab.ablations.data.ExampleFingerprint;
import org.slicelab.ablations.data.LabeledExample;
import org.slicelab.ablations.data.LabeledText;
import org.slicelab.ablations.data.image.ImageInput;
import org.slicelab.ablations.data.image.ImagePreprocessor;
import org.slicelab.ablations.data.image.LabeledImage;
import org.slicelab.ablations.model.Modality;
import org.slicelab.ablations.data.Dataset;
import org.slicelab.ablations.data.Datasets;
import org.slicelab.ablations.model.Examples;
import org.slicelab.ablations.train.EncodedDataset;

/**
 * What trials in one JVM share: the backbones (weights read once each, see {@link Backbones}),
 * tokenizers, and tokenized splits. Spark tasks in one executor use the same instance, so only
 * the first trial of an executor pays the loading cost. Thread-safe.
 */
public final class TrialResources {
  static {
    // data loading reaches DJL's native libraries (the tokenizer) before any engine call: expose
    // the natives' CUDA runtime first (a no-op with the CPU natives)
    CudaRuntime.exposeBundled();
  }

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

  /** The default backbone's weights by Hugging Face name (read once per JVM). */
  public Map<String, FloatTensor> pretrainedWeights() {
    return backbone(Backbones.DEFAULT).weights();
  }

  /** The default backbone's tokenizer, truncating and padding to {@code maxLen}. */
  public TextTokenizer tokenizer(int maxLen) {
    return tokenizer(Backbones.DEFAULT, maxLen);
  }

  /** A backbone's tokenizer, truncating and padding to {@code maxLen} (cached). */
  public TextTokenizer tokenizer(String backbone, int maxLen) {
    TextBackbone b = Backbones.text(backbone);
    return tokenizers.computeIfAbsent(b.name() + "/" + maxLen,
        k -> new TextTokenizer(b.tokenizerPath(), maxLen));
  }

  /**
   * The encoded splits of a spec (cached by the fields that matter): tokenized texts for a text
   * backbone, preprocessed images for a vision backbone, of the sizes {@link DataSizes#of} fits
   * to the data set.
   *
   * @throws IllegalArgumentException when the backbone and the data set are of different kinds
   */
  public TaskData taskData(TrialSpec spec) {
    Dataset<?> data = Datasets.get(spec.dataset());
    DataSizes sizes = DataSizes.of(spec, data.splits());
    String key = spec.backbone() + "/" + spec.dataset() + "/" + sizes.train() + "/"
        + sizes.validation() + "/" + sizes.test() + "/" + spec.seed() + "/" + spec.dataSeed()
        + "/" + spec.maxLen() + "/" + spec.imageSize();
    return taskData.computeIfAbsent(key, k -> {
      Backbone backbone = backbone(spec.backbone());
      checkModalities(spec, backbone, data);
      if (backbone instanceof VisionBackbone vision) {
        ImageInput input = vision.input(spec.imageSize());
        Dataset<LabeledImage> dataset = Datasets.images(spec.dataset());
        return encode(spec, sizes, dataset, images -> ImagePreprocessor.shared().examples(
            dataset.name(), images, input));
      }
      TextTokenizer tokenizer = tokenizer(spec.backbone(), spec.maxLen());
      return encode(spec, sizes, Datasets.text(spec.dataset()),
          texts -> encode(tokenizer, texts));
    });
  }

  /**
   * Refuses a backbone and a data set of different kinds, naming both.
   *
   * @throws IllegalArgumentException naming the trial option {@code dataset}
   */
  public static void checkModalities(TrialSpec spec, Backbone backbone, Dataset<?> dataset) {
    if (backbone.modality() != dataset.modality()) {
      throw new IllegalArgumentException("trial option 'dataset' = '" + spec.dataset()
          + "' is invalid: it is " + article(dataset.modality()) + " data set, and backbone '"
          + spec.backbone() + "' reads " + backbone.modality().label() + "; pair a "
          + backbone.modality().label() + " backbone with a " + backbone.modality().label()
          + " data set");
    }
  }

  private static String article(Modality modality) {
    return modality == Modality.IMAGE ? "an image" : "a text";
  }

  private static <T extends LabeledExample> TaskData encode(TrialSpec spec, DataSizes sizes,
      Dataset<T> dataset, Function<List<T>, Examples> encoder) {
    DatasetSplits<T> splits = dataset.load(sizes.train(), sizes.validation(), sizes.test(),
        spec.seed(), spec.dataSeed());
    return new TaskData(encoder.apply(splits.train()), encoder.apply(splits.validation()),
        encoder.apply(splits.test()), dataset.checksum(), dataset.labelNames(),
        ExampleFingerprint.ids(splits.train()), ExampleFingerprint.ids(splits.validation()),
        ExampleFingerprint.ids(splits.test()));
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
   * @param trainIds example ids of the training subsample, in order
   * @param validationIds example ids of the validation subsample, in order
   * @param testIds example ids of the test subsample, in order
   */
  public record TaskData(Examples train, Examples validation, Examples test,
      String dataChecksum, List<String> labelNames, List<String> trainIds,
      List<String> validationIds, List<String> testIds) {
    /** Copies the lists. */
    public TaskData {
      labelNames = List.copyOf(labelNames);
      trainIds = List.copyOf(trainIds);
      validationIds = List.copyOf(validationIds);
      testIds = List.copyOf(testIds);
    }

    /** The number of classes. */
    public int numClasses() {
      return labelNames.size();
    }

    /** Fingerprints of the ordered subsamples, keyed as in the result provenance. */
    public Map<String, String> fingerprints() {
      Map<String, String> out = new java.util.LinkedHashMap<>();
      out.put(TRAIN_FINGERPRINT, ExampleFingerprint.of(trainIds));
      out.put(VALIDATION_FINGERPRINT, ExampleFingerprint.of(validationIds));
      out.put(TEST_FINGERPRINT, ExampleFingerprint.of(testIds));
      return out;
    }
  }

  /** Provenance key: SHA-256 of the ordered training example ids. */
  public static final String TRAIN_FINGERPRINT = "train_ids_sha256";
  /** Provenance key: SHA-256 of the ordered validation example ids. */
  public static final String VALIDATION_FINGERPRINT = "val_ids_sha256";
  /** Provenance key: SHA-256 of the ordered test example ids. */
  public static final String TEST_FINGERPRINT = "test_ids_sha256";
}
