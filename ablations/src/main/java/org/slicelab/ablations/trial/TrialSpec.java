package org.slicelab.ablations.trial;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slicelab.ablations.data.Datasets;
import org.apache.commons.codec.digest.DigestUtils;
import org.slicelab.ablations.backbone.Backbones;
import org.slicelab.ablations.backbone.LinearLayer;
import org.slicelab.ablations.method.Methods;

/**
 * One fully specified trial: backbone, data, method, selector and training settings.
 *
 * <p>Immutable and validated on construction. Its canonical form is JSON with snake_case keys,
 * sorted, and every default filled in; {@link #trialId()} is the SHA-256 of that JSON, so the
 * same spec has the same id on any machine. Grid files, the command line and result rows all
 * use the same snake_case field names ({@link #fieldNames()}).
 *
 * <p><b>Ids survive new options.</b> The canonical form holds every field that existed when the
 * first results were written (2026-11-30), plus each field added later ({@link #ADDED_LATER}) only
 * while it differs from its neutral value. So adding an option never changes the id of a trial
 * that does not use it, and results directories written by older versions resume without
 * rerunning anything ({@code TrialIdStabilityTest} pins the ids of the grids shipped then).
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY,
    getterVisibility = JsonAutoDetect.Visibility.NONE,
    isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public final class TrialSpec implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Methods known to the registry (see {@code org.slicelab.ablations.method.Methods}). */
  public static final List<String> METHODS = List.of("head", "full", "slicefine", "sift", "lora");
  /** Slice orientations. */
  public static final List<String> MODES = List.of("row", "column", "alternate");
  /** Allowed selector values. */
  public static final List<String> SELECTORS = List.of("position", "wanda:most", "wanda:least",
      "wanda:mixed", "wanda:random", "wanda-window:most", "wanda-window:least", "lth:good",
      "lth:bad");
  /** Encoder initialisations. */
  public static final List<String> INITS = List.of("pretrained", "random");
  /** Head treatments for SliceFine. */
  public static final List<String> HEADS = List.of("full", "slice");
  /**
   * Fault injection, for tests of the orchestrator only: {@code exit} halts the JVM running the
   * trial (exit code {@link #FAULT_EXIT_CODE}), as a native crash or an out-of-memory kill would.
   */
  public static final List<String> FAULTS = List.of("none", "throw", "nan", "sleep", "exit");
  /** The exit code of a JVM halted by {@code fault = exit}. */
  public static final int FAULT_EXIT_CODE = 86;
  /** Default SliceFine/LoRA targets: every encoder Linear. */
  public static final String DEFAULT_TARGETS =
      "attention.self.query,attention.self.key,attention.self.value,attention.output.dense,"
          + "intermediate.dense,output.dense";

  /**
   * Fields added after the first results were written, each with its neutral value (the value
   * that reproduces the behaviour from before the field existed). A field here is left out of the
   * canonical JSON, and so out of the trial id, while it holds its neutral value. Every new field
   * must be registered here with the value that means "as before".
   */
  public static final Map<String, Object> ADDED_LATER = Map.of();

  private static final ObjectMapper JSON = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .build();

  // ---- what is trained -------------------------------------------------------------------
  private String method = "full";
  private String backbone = Backbones.DEFAULT;
  private String init = "pretrained";
  private String dataset = Datasets.SPAM_ASSASSIN;
  // ---- data --------------------------------------------------------------------------------
  private int trainSize = 200;
  private int valSize = 400;
  private int testSize = 800;
  private long dataSeed = 0;
  private int maxLen = 128;
  // ---- optimisation ------------------------------------------------------------------------
  private long seed = 1;
  private int epochs = 4;
  private int batchSize = 16;
  /** Learning rate; 0 means the method's default (see {@link #effectiveLr()}). */
  private double lr = 0;
  private double weightDecay = 0.0;
  private double warmupFraction = 0.06;
  private double gradClip = 1.0;
  // ---- SliceFine / LoRA ---------------------------------------------------------------------
  private int rank = 8;
  /** Slice start: an index ("40") or a fraction of the dimension ("0.5"). */
  private String position = "0";
  private String mode = "row";
  private int moveSteps = 0;
  private boolean bias = false;
  private String targets = DEFAULT_TARGETS;
  private String head = "full";
  private String selector = "position";
  private int calibSize = 128;
  private double lthSparsity = 0.5;
  private int lthRounds = 3;
  private double loraAlpha = 16;
  // ---- SIFT --------------------------------------------------------------------------------
  private double siftRate = 0.01;
  // ---- testing the orchestrator --------------------------------------------------------------
  private String fault = "none";

  private TrialSpec() {
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder(new TrialSpec());
  }

  /** A builder starting from this spec's values. */
  public Builder toBuilder() {
    return new Builder(copy());
  }

  /**
   * Builds a spec from snake_case keys (grid files, command line). Unknown keys and wrong types
   * raise {@link IllegalArgumentException} naming the key and what is allowed.
   */
  public static TrialSpec fromMap(Map<String, ?> values) {
    try {
      TrialSpec spec = JSON.convertValue(values, TrialSpec.class);
      spec.validate();
      return spec;
    } catch (IllegalArgumentException e) {
      throw translate(e);
    }
  }

  /** Parses canonical (or partial) JSON. */
  public static TrialSpec fromJson(String json) {
    try {
      TrialSpec spec = JSON.readValue(json, TrialSpec.class);
      spec.validate();
      return spec;
    } catch (JsonProcessingException e) {
      throw translate(e);
    }
  }

  private static IllegalArgumentException translate(Exception e) {
    Throwable cause = e instanceof JsonProcessingException ? e : e.getCause();
    if (cause instanceof UnrecognizedPropertyException u) {
      return new IllegalArgumentException("unknown trial option '" + u.getPropertyName()
          + "'; known options: " + String.join(", ", fieldNames()), e);
    }
    if (cause instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
      String field = m.getPath().get(m.getPath().size() - 1).getFieldName();
      String got = cause instanceof InvalidFormatException f ? " (got '" + f.getValue() + "')" : "";
      return new IllegalArgumentException("trial option '" + field + "' must be of type "
          + typeName(m.getTargetType()) + got, e);
    }
    if (e instanceof IllegalArgumentException iae && iae.getMessage() != null
        && iae.getMessage().startsWith("trial option")) {
      return iae;
    }
    return new IllegalArgumentException("invalid trial spec: " + e.getMessage(), e);
  }

  private static String typeName(Class<?> type) {
    if (type == null) {
      return "the declared type";
    }
    if (type == int.class || type == long.class || type == Integer.class || type == Long.class) {
      return "integer";
    }
    if (type == double.class || type == Double.class) {
      return "number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "boolean";
    }
    return "string";
  }

  /** Every snake_case option name, sorted. */
  public static Set<String> fieldNames() {
    Map<String, Object> map = builder().build().toMap();
    return new TreeSet<>(map.keySet());
  }

  /**
   * The canonical JSON: sorted keys, all defaults filled in, fields {@link #ADDED_LATER} left out
   * while neutral.
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

  /** Every field's value (including neutral later fields) as a sorted map (snake_case keys). */
  public Map<String, Object> toMap() {
    @SuppressWarnings("unchecked")
    Map<String, Object> map = JSON.convertValue(this, LinkedHashMap.class);
    return map;
  }

  /** SHA-256 (hex) of the canonical JSON. */
  @JsonIgnore
  public String trialId() {
    return DigestUtils.sha256Hex(toJson().getBytes(StandardCharsets.UTF_8));
  }

  private void validate() {
    oneOf("method", method, METHODS);
    oneOf("mode", mode, MODES);
    oneOf("selector", selector, SELECTORS);
    oneOf("init", init, INITS);
    oneOf("head", head, HEADS);
    oneOf("fault", fault, FAULTS);
    backbone = Backbones.canonical(backbone);
    dataset = Datasets.canonical(dataset);
    positive("train_size", trainSize);
    positive("val_size", valSize);
    positive("test_size", testSize);
    positive("epochs", epochs);
    positive("batch_size", batchSize);
    positive("rank", rank);
    positive("calib_size", calibSize);
    positive("lth_rounds", lthRounds);
    if (maxLen < 8 || maxLen > 512) {
      throw invalid("max_len", maxLen, "an integer in [8, 512]");
    }
    if (moveSteps < 0) {
      throw invalid("move_steps", moveSteps, "an integer >= 0 (0 = static slice)");
    }
    if (!(lr >= 0) || Double.isInfinite(lr)) {
      throw invalid("lr", lr, "a number >= 0 (0 = the method's default)");
    }
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
      throw invalid("weight_decay", weightDecay, "a number >= 0");
    }
    if (!(warmupFraction >= 0 && warmupFraction < 1)) {
      throw invalid("warmup_fraction", warmupFraction, "a number in [0, 1)");
    }
    if (!(gradClip >= 0) || Double.isInfinite(gradClip)) {
      throw invalid("grad_clip", gradClip, "a number >= 0 (0 = no clipping)");
    }
    if (!(siftRate > 0 && siftRate <= 1)) {
      throw invalid("sift_rate", siftRate, "a number in (0, 1]");
    }
    if (!(lthSparsity > 0 && lthSparsity < 1)) {
      throw invalid("lth_sparsity", lthSparsity, "a number in (0, 1)");
    }
    if (!(loraAlpha > 0) || Double.isInfinite(loraAlpha)) {
      throw invalid("lora_alpha", loraAlpha, "a number > 0");
    }
    parsePosition();
    if (targets == null || targetList().isEmpty()) {
      throw invalid("targets", targets, "a comma-separated list of layer name patterns");
    }
  }

  private void parsePosition() {
    try {
      double p = Double.parseDouble(position.trim());
      if (p < 0 || (p != Math.rint(p) && p >= 1)) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException | NullPointerException e) {
      throw invalid("position", position,
          "an index >= 0 (\"40\") or a fraction of the dimension in [0, 1) (\"0.5\")");
    }
  }

  /**
   * Resolves {@link #position()} against a dimension: an integer is an index, a value with a
   * decimal point below 1 a fraction. The window must fit: {@code start + rank <= dim}.
   */
  public int slicePosition(int dim, String layerName) {
    String p = position.trim();
    int start = p.contains(".") ? (int) Math.floor(Double.parseDouble(p) * dim)
        : Integer.parseInt(p);
    LinearLayer.checkRank(rank, dim, layerName);
    if (p.contains(".")) {
      start = Math.min(start, dim - rank);
    }
    if (start + rank > dim) {
      throw invalid("position", position, "a start with position + rank <= " + dim
          + " (dimension of " + layerName + ", rank " + rank + ")");
    }
    return start;
  }

  private static void oneOf(String field, String value, List<String> allowed) {
    if (value == null || !allowed.contains(value)) {
      throw invalid(field, value, "one of " + allowed);
    }
  }

  private static void positive(String field, long value) {
    if (value <= 0) {
      throw invalid(field, value, "an integer > 0");
    }
  }

  private static IllegalArgumentException invalid(String field, Object value, String allowed) {
    return new IllegalArgumentException(
        "trial option '" + field + "' = " + value + " is invalid: must be " + allowed);
  }

  private TrialSpec copy() {
    return JSON.convertValue(toMap(), TrialSpec.class);
  }

  /** Layer-name patterns, split from {@link #targets()}. */
  public List<String> targetList() {
    List<String> out = new ArrayList<>();
    for (String t : targets.split(",")) {
      if (!t.isBlank()) {
        out.add(t.trim());
      }
    }
    return out;
  }

  /** The learning rate to use: {@link #lr()} or, when 0, the method's default. */
  public double effectiveLr() {
    if (lr > 0) {
      return lr;
    }
    return Methods.defaultLr(method);
  }

  public String method() { return method; }
  public String backbone() { return backbone; }
  public String init() { return init; }
  public String dataset() { return dataset; }
  public int trainSize() { return trainSize; }
  public int valSize() { return valSize; }
  public int testSize() { return testSize; }
  public long dataSeed() { return dataSeed; }
  public int maxLen() { return maxLen; }
  public long seed() { return seed; }
  public int epochs() { return epochs; }
  public int batchSize() { return batchSize; }
  public double lr() { return lr; }
  public double weightDecay() { return weightDecay; }
  public double warmupFraction() { return warmupFraction; }
  public double gradClip() { return gradClip; }
  public int rank() { return rank; }
  public String position() { return position; }
  public String mode() { return mode; }
  public int moveSteps() { return moveSteps; }
  public boolean bias() { return bias; }
  public String targets() { return targets; }
  public String head() { return head; }
  public String selector() { return selector; }
  public int calibSize() { return calibSize; }
  public double lthSparsity() { return lthSparsity; }
  public int lthRounds() { return lthRounds; }
  public double loraAlpha() { return loraAlpha; }
  public double siftRate() { return siftRate; }
  public String fault() { return fault; }

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

  /** Fluent builder; {@link #build()} validates. Setters take snake_case names via {@link #set}. */
  public static final class Builder {
    private final Map<String, Object> values;

    private Builder(TrialSpec start) {
      this.values = start.toMap();
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

  /** Accepts a position written as a number (grid files) or a string (command line). */
  @JsonProperty("position")
  private void setPosition(Object value) {
    if (value instanceof Number n) {
      this.position = (n instanceof Double || n instanceof Float) ? Double.toString(n.doubleValue())
          : Long.toString(n.longValue());
    } else {
      this.position = value == null ? null : value.toString();
    }
  }
}
