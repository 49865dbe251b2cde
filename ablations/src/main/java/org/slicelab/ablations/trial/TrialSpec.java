package org.slicelab.ablations.trial;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.commons.codec.digest.DigestUtils;
import org.slicelab.ablations.backbone.Backbones;
import org.slicelab.ablations.config.Option;
import org.slicelab.ablations.data.Datasets;
import org.slicelab.ablations.data.TableDataset;
import org.slicelab.ablations.method.FineTuningMethod;
import org.slicelab.ablations.method.MethodSettings;
import org.slicelab.ablations.method.MethodType;
import org.slicelab.ablations.method.Methods;

/**
 * One fully specified trial: the core settings (method, backbone and data references, data
 * sizes, optimisation, seed) declared here, plus the options of every registered method
 * ({@link Methods}: each method's settings record declares its own options, defaults, checks
 * and help). {@link #methodSettings()} reads the trial's method's settings record.
 *
 * <p>Immutable and validated on construction. Its canonical form is JSON with snake_case keys,
 * sorted, and every default filled in; {@link #trialId()} is the SHA-256 of that JSON, so the
 * same spec has the same id on any machine. Grid files, the command line and result rows all
 * use the same snake_case option names ({@link #fieldNames()}).
 *
 * <p><b>Ids survive new options.</b> The canonical form holds every option that existed when the
 * first results were written (2026-11-30), plus each option added later ({@link #ADDED_LATER})
 * only while it differs from its neutral value. So adding an option never changes the id of a
 * trial that does not use it, and results directories written by older versions resume without
 * rerunning anything ({@code TrialIdStabilityTest} pins the ids of the grids shipped then).
 */
public final class TrialSpec implements Serializable {
  private static final long serialVersionUID = 2L;

  /** Encoder initialisations. */
  public static final List<String> INITS = List.of("pretrained", "random");
  /**
   * Fault injection, for tests of the orchestrator only: {@code exit} halts the JVM running the
   * trial (exit code {@link #FAULT_EXIT_CODE}), as a native crash or an out-of-memory kill would;
   * {@code cuda} raises the error libtorch reports after an illegal memory access on a GPU
   * ({@link DeviceErrors}), on any device.
   */
  public static final List<String> FAULTS = List.of("none", "throw", "nan", "sleep", "exit",
      "cuda");
  /** The exit code of a JVM halted by {@code fault = exit}. */
  public static final int FAULT_EXIT_CODE = 86;

  // ---- what is trained -------------------------------------------------------------------
  /** Option {@code method}: a registered method's name. */
  public static final Option<String> METHOD = Option.oneOf("method", "full",
      "fine-tuning method: " + Methods.names(), Methods.names());
  /** Option {@code backbone}: a built-in name or a checkpoint directory. */
  public static final Option<String> BACKBONE = Option.text("backbone", Backbones.DEFAULT,
      "pretrained backbone: " + String.join(", ", Backbones.builtInNames()) + ", a Hugging "
          + "Face BERT/RoBERTa checkpoint directory (a path or file: URI holding config.json, "
          + "model.safetensors or a sharded index, tokenizer.json), or a TF.js layers "
          + "model.json of a Keras image classifier", v -> true,
      "a built-in backbone name or a checkpoint directory").normalizeWith(Backbones::canonical);
  /** Option {@code init}: pretrained or random encoder weights. */
  public static final Option<String> INIT = Option.oneOf("init", "pretrained",
      "encoder initialisation: pretrained, or random (control)", INITS);
  /** Option {@code dataset}: a built-in name or a table file or directory. */
  public static final Option<String> DATASET = Option.text("dataset", Datasets.SPAM_ASSASSIN,
      Datasets.HELP,
      v -> true, "a built-in data set name or a table file or directory")
      .normalizeWith(Datasets::canonical);
  // ---- data --------------------------------------------------------------------------------
  /** Option {@code train_size}. */
  public static final Option<Integer> TRAIN_SIZE = Option.positive("train_size", 200,
      "training examples (stratified subsample, drawn with --seed); the default takes the "
          + "whole training split when it holds fewer, a size you give must fit");
  /** Option {@code val_size}. */
  public static final Option<Integer> VAL_SIZE = Option.positive("val_size", 400,
      "validation examples (drawn with --data-seed); the default takes the whole validation "
          + "split when it holds fewer, a size you give must fit");
  /** Option {@code test_size}. */
  public static final Option<Integer> TEST_SIZE = Option.positive("test_size", 800,
      "test examples (drawn with --data-seed); the default takes the whole test split when "
          + "it holds fewer, a size you give must fit");
  /** Option {@code data_seed}. */
  public static final Option<Long> DATA_SEED = Option.longInteger("data_seed", 0,
      "seed of the validation/test subsamples (same across trial seeds)");
  /** Option {@code max_len}. */
  public static final Option<Integer> MAX_LEN = Option.integer("max_len", 128,
      "tokens per example (truncation and padding)", v -> v >= 8 && v <= 512,
      "an integer in [8, 512]");
  /** Default of {@code image_size}: see {@link #IMAGE_SIZE}. */
  public static final int DEFAULT_IMAGE_SIZE = 96;
  /**
   * Option {@code image_size}: images are resized to this square size (vision backbones only;
   * added after the first results, so it stays out of the trial id at its default).
   */
  public static final Option<Integer> IMAGE_SIZE = Option.integer("image_size",
      DEFAULT_IMAGE_SIZE, "image side in pixels after resizing (vision backbones)",
      v -> v >= 16 && v <= 1024, "an integer in [16, 1024]");
  // ---- optimisation ------------------------------------------------------------------------
  /** Option {@code seed}. */
  public static final Option<Long> SEED = Option.longInteger("seed", 1,
      "trial seed: training subsample, head init, shuffling");
  /** Option {@code epochs}. */
  public static final Option<Integer> EPOCHS = Option.positive("epochs", 4,
      "passes over the training set");
  /** Option {@code batch_size}. */
  public static final Option<Integer> BATCH_SIZE = Option.positive("batch_size", 16,
      "examples per optimizer step");
  /** Option {@code lr}: 0 means the method's default (see {@link #effectiveLr()}). */
  public static final Option<Double> LR = Option.number("lr", 0,
      "peak learning rate; 0 = the method's default (" + Methods.defaultLrSummary() + ")",
      v -> v >= 0 && !v.isInfinite(), "a number >= 0 (0 = the method's default)");
  /** Option {@code weight_decay}. */
  public static final Option<Double> WEIGHT_DECAY = Option.number("weight_decay", 0.0,
      "AdamW decoupled weight decay (on effective weights)", v -> v >= 0 && !v.isInfinite(),
      "a number >= 0");
  /** Option {@code warmup_fraction}. */
  public static final Option<Double> WARMUP_FRACTION = Option.number("warmup_fraction", 0.06,
      "share of steps with linear warm-up", v -> v >= 0 && v < 1, "a number in [0, 1)");
  /** Option {@code grad_clip}. */
  public static final Option<Double> GRAD_CLIP = Option.number("grad_clip", 1.0,
      "global gradient-norm clip; 0 = none", v -> v >= 0 && !v.isInfinite(),
      "a number >= 0 (0 = no clipping)");
  // ---- testing the orchestrator --------------------------------------------------------------
  /** Option {@code fault}: test-only fault injection. */
  public static final Option<String> FAULT = Option.oneOf("fault", "none",
      "test-only fault injection: " + FAULTS, FAULTS);

  /** The core options, in validation order. */
  private static final List<Option<?>> CORE = List.of(METHOD, INIT, FAULT, BACKBONE, DATASET,
      TRAIN_SIZE, VAL_SIZE, TEST_SIZE, DATA_SEED, MAX_LEN, IMAGE_SIZE, SEED, EPOCHS, BATCH_SIZE, LR,
      WEIGHT_DECAY, WARMUP_FRACTION, GRAD_CLIP);

  /** Every option (core, then each method's), in validation order. */
  private static final Map<String, Option<?>> OPTIONS = collectOptions();

  /**
   * Options added after the first results were written, each with its neutral value (the value
   * that reproduces the behaviour from before the option existed). An option here is left out
   * of the canonical JSON, and so out of the trial id, while it holds its neutral value. Every
   * new option must be registered here with the value that means "as before".
   */
  public static final Map<String, Object> ADDED_LATER = Map.of("image_size",
      DEFAULT_IMAGE_SIZE);

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .build();

  /** Every option's checked value, by name (sorted). */
  private final TreeMap<String, Object> values;

  private TrialSpec(TreeMap<String, Object> values) {
    this.values = values;
  }

  private static Map<String, Option<?>> collectOptions() {
    Map<String, Option<?>> all = new LinkedHashMap<>();
    for (Option<?> option : CORE) {
      all.put(option.name(), option);
    }
    Methods.options().forEach((name, option) -> {
      if (all.putIfAbsent(name, option) != null) {
        throw new IllegalStateException("method option '" + name + "' clashes with a core one");
      }
    });
    return Collections.unmodifiableMap(all);
  }

  /** Every option by snake_case name, sorted (core and all methods' options). */
  public static SortedMap<String, Option<?>> options() {
    return Collections.unmodifiableSortedMap(new TreeMap<>(OPTIONS));
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    Map<String, Object> defaults = new LinkedHashMap<>();
    OPTIONS.forEach((name, option) -> defaults.put(name, option.defaultValue()));
    return new Builder(defaults);
  }

  /** A builder starting from this spec's values. */
  public Builder toBuilder() {
    return new Builder(toMap());
  }

  /**
   * Builds a spec from snake_case keys (grid files, command line); absent options take their
   * defaults. Unknown keys and wrong types raise {@link IllegalArgumentException} naming the key
   * and what is allowed.
   */
  public static TrialSpec fromMap(Map<String, ?> given) {
    for (String key : given.keySet()) {
      if (!OPTIONS.containsKey(key)) {
        throw new IllegalArgumentException("unknown trial option '" + key
            + "'; known options: " + String.join(", ", fieldNames()));
      }
    }
    TreeMap<String, Object> checked = new TreeMap<>();
    OPTIONS.forEach((name, option) -> checked.put(name,
        option.parse(given.containsKey(name) ? given.get(name) : option.defaultValue())));
    return new TrialSpec(checked);
  }

  /** Parses canonical (or partial) JSON. */
  public static TrialSpec fromJson(String json) {
    Map<String, Object> given;
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> parsed = JSON.readValue(json, LinkedHashMap.class);
      given = parsed;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("invalid trial spec: " + e.getMessage(), e);
    }
    return fromMap(given);
  }

  /** Every snake_case option name, sorted. */
  public static Set<String> fieldNames() {
    return options().keySet();
  }

  /**
   * The canonical JSON: sorted keys, all defaults filled in, options {@link #ADDED_LATER} left
   * out while neutral.
   */
  public String toJson() {
    Map<String, Object> canonical = toMap();
    ADDED_LATER.forEach((field, neutral) -> {
      if (neutral.equals(canonical.get(field))) {
        canonical.remove(field);
      }
    });
    try {
      return JSON.writeValueAsString(canonical);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every option's value (including neutral later ones) as a sorted map (snake_case keys). */
  public Map<String, Object> toMap() {
    return new LinkedHashMap<>(values);
  }

  /** The value of option {@code name} ({@link IllegalArgumentException} if there is none). */
  public Object get(String name) {
    if (!values.containsKey(name)) {
      throw new IllegalArgumentException("unknown trial option '" + name + "'");
    }
    return values.get(name);
  }

  /** SHA-256 (hex) of the canonical JSON. */
  public String trialId() {
    return DigestUtils.sha256Hex(toJson().getBytes(StandardCharsets.UTF_8));
  }

  /** The registration of this trial's method. */
  public MethodType<?> methodType() {
    return Methods.get(method());
  }

  /** This trial's method's settings record. */
  public MethodSettings methodSettings() {
    return methodType().settings(values);
  }

  /** A new, unattached instance of this trial's method (its cross-option checks run here). */
  public FineTuningMethod newMethod() {
    return methodType().create(values);
  }

  /** The learning rate to use: {@link #lr()} or, when 0, the method's default. */
  public double effectiveLr() {
    return lr() > 0 ? lr() : methodType().defaultLr();
  }

  public String method() { return METHOD.in(values); }
  public String backbone() { return BACKBONE.in(values); }
  public String init() { return INIT.in(values); }
  public String dataset() { return DATASET.in(values); }
  public int trainSize() { return TRAIN_SIZE.in(values); }
  public int valSize() { return VAL_SIZE.in(values); }
  public int testSize() { return TEST_SIZE.in(values); }
  public long dataSeed() { return DATA_SEED.in(values); }
  public int maxLen() { return MAX_LEN.in(values); }
  public int imageSize() { return IMAGE_SIZE.in(values); }
  public long seed() { return SEED.in(values); }
  public int epochs() { return EPOCHS.in(values); }
  public int batchSize() { return BATCH_SIZE.in(values); }
  public double lr() { return LR.in(values); }
  public double weightDecay() { return WEIGHT_DECAY.in(values); }
  public double warmupFraction() { return WARMUP_FRACTION.in(values); }
  public double gradClip() { return GRAD_CLIP.in(values); }
  public String fault() { return FAULT.in(values); }

  @Override
  public boolean equals(Object o) {
    return o instanceof TrialSpec other && other.toJson().equals(toJson());
  }

  @Override
  public int hashCode() {
    return toJson().hashCode();
  }

  @Override
  public String toString() {
    return toJson();
  }

  /**
   * Fluent builder; {@link #build()} validates. {@link #set} takes any option by its snake_case
   * name; the named setters are shortcuts for the common ones.
   */
  public static final class Builder {
    private final Map<String, Object> values;

    private Builder(Map<String, Object> start) {
      this.values = start;
    }

    /** Sets one option by its snake_case name (as in grid files and result columns). */
    public Builder set(String field, Object value) {
      values.put(field.toLowerCase(Locale.ROOT).replace('-', '_'), value);
      return this;
    }

    public Builder method(String v) { return set("method", v); }
    public Builder init(String v) { return set("init", v); }
    public Builder backbone(String v) { return set("backbone", v); }
    public Builder dataset(String v) { return set("dataset", v); }
    public Builder trainSize(int v) { return set("train_size", v); }
    public Builder valSize(int v) { return set("val_size", v); }
    public Builder testSize(int v) { return set("test_size", v); }
    public Builder maxLen(int v) { return set("max_len", v); }
    public Builder imageSize(int v) { return set("image_size", v); }
    public Builder seed(long v) { return set("seed", v); }
    public Builder epochs(int v) { return set("epochs", v); }
    public Builder batchSize(int v) { return set("batch_size", v); }
    public Builder lr(double v) { return set("lr", v); }
    public Builder weightDecay(double v) { return set("weight_decay", v); }
    public Builder rank(int v) { return set("rank", v); }
    public Builder position(String v) { return set("position", v); }
    public Builder mode(String v) { return set("mode", v); }
    public Builder moveSteps(int v) { return set("move_steps", v); }
    public Builder bias(boolean v) { return set("bias", v); }
    public Builder targets(String v) { return set("targets", v); }
    public Builder head(String v) { return set("head", v); }
    public Builder selector(String v) { return set("selector", v); }
    public Builder calibSize(int v) { return set("calib_size", v); }
    public Builder siftRate(double v) { return set("sift_rate", v); }
    public Builder fault(String v) { return set("fault", v); }

    /** Validates and builds. */
    public TrialSpec build() {
      return fromMap(values);
    }
  }
}
