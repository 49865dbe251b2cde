package org.slicelab.ablations.backbone;

import java.io.IOException;
import java.net.URI;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.codec.digest.DigestUtils;
import org.slicelab.ablations.backbone.vision.VisionBackbones;
import org.slicelab.ablations.cache.CacheDirs;
import org.slicelab.ablations.model.Modality;

/**
 * Finds a {@link Backbone} by the value of the trial option {@code backbone}: a built-in name
 * (an alias is normalised to its canonical name) or the location of a Hugging Face checkpoint
 * directory (any value containing {@code /}: a path, a {@code file:} URI, or a URI on shared
 * storage such as {@code hdfs://nn/models/my-bert}, copied once per machine by a
 * {@link RemoteCheckpoints} into the cache). Each backbone is created once per JVM and shared,
 * so its weights are read once per executor.
 */
public final class Backbones {
  /** Today's default: all-MiniLM-L6-v2 (6 layers). */
  public static final String DEFAULT = "all-minilm-l6-v2";

  private static final BertConfig SMALL_12 =
      new BertConfig(30522, 384, 12, 12, 1536, 512, 2, 1e-12f);

  /** Built-in backbones by canonical name, in documentation order. */
  private static final Map<String, BuiltInBackbone> BUILT_IN = new LinkedHashMap<>();
  private static final Map<String, String> ALIASES = Map.of("minilm", DEFAULT);
  private static final Map<String, Backbone> CHECKPOINTS = new ConcurrentHashMap<>();

  static {
    register(new BuiltInBackbone(DEFAULT, PretrainedFiles.MINILM_ONNX,
        PretrainedFiles.MINILM_TOKENIZER, BertConfig.miniLm()));
    register(new BuiltInBackbone("bge-small", "bge-small-en-v1.5.onnx",
        "bge-small-en-v1.5-tokenizer.json", SMALL_12));
    register(new BuiltInBackbone("e5-small", "e5-small-v2.onnx", "e5-small-v2-tokenizer.json",
        SMALL_12));
  }

  private Backbones() {
  }

  private static void register(BuiltInBackbone backbone) {
    BUILT_IN.put(backbone.name(), backbone);
  }

  /**
   * The built-in names: text encoders, then image networks ({@link VisionBackbones}), then
   * {@code alias (= name)} entries.
   */
  public static List<String> builtInNames() {
    List<String> names = new ArrayList<>(BUILT_IN.keySet());
    names.addAll(VisionBackbones.builtInNames());
    ALIASES.forEach((alias, name) -> names.add(alias + " (= " + name + ")"));
    return names;
  }

  /**
   * What a {@code backbone} value reads, from its name alone (nothing is loaded): image for the
   * built-in image networks and TF.js {@code model.json} paths, text otherwise.
   */
  public static Modality modalityOf(String value) {
    return VisionBackbones.isBuiltIn(value) || VisionBackbones.isModelJson(value)
        ? Modality.IMAGE : Modality.TEXT;
  }

  /** Whether {@code value} names a checkpoint location rather than a built-in backbone. */
  public static boolean isCheckpoint(String value) {
    return value.contains("/");
  }

  /**
   * The canonical form of a {@code backbone} option value: aliases become their name,
   * checkpoint locations stay as written.
   *
   * @throws IllegalArgumentException naming the option and the allowed values
   */
  public static String canonical(String value) {
    if (value == null || value.isBlank()) {
      throw unknown(value);
    }
    String name = ALIASES.getOrDefault(value, value);
    if (BUILT_IN.containsKey(name) || VisionBackbones.isBuiltIn(name)
        || VisionBackbones.isModelJson(name) || isCheckpoint(name)) {
      return name;
    }
    throw unknown(value);
  }

  private static IllegalArgumentException unknown(String value) {
    return new IllegalArgumentException("trial option 'backbone' = '" + value + "' is invalid: "
        + "must be one of " + String.join(", ", builtInNames()) + ", the path of a Hugging "
        + "Face checkpoint directory (config.json, model.safetensors, tokenizer.json), or the "
        + "path of a TF.js layers model.json (a Keras image classifier)");
  }

  /**
   * The backbone for an option value; a checkpoint's {@code config.json} and tokenizer are
   * checked here, its weights on first use.
   */
  public static Backbone get(String value) {
    String name = canonical(value);
    Backbone builtIn = BUILT_IN.get(name);
    if (builtIn != null) {
      return builtIn;
    }
    if (VisionBackbones.isBuiltIn(name) || VisionBackbones.isModelJson(name)) {
      try {
        return VisionBackbones.get(name);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("trial option 'backbone' = '" + value
            + "' is invalid: " + e.getMessage(), e);
      }
    }
    return CHECKPOINTS.computeIfAbsent(name, k -> {
      try {
        return new CheckpointBackbone(name, location(name));
      } catch (IllegalArgumentException e) {
        if (e.getMessage() != null && e.getMessage().startsWith("trial option")) {
          throw e;
        }
        // name the option, so that a grid error points at the axis entry
        throw new IllegalArgumentException("trial option 'backbone' = '" + value
            + "' is invalid: " + e.getMessage(), e);
      }
    });
  }

  /**
   * The text backbone for an option value; throws naming the option when it is another kind
   * (for text-only paths such as tokenization).
   */
  public static TextBackbone text(String value) {
    Backbone backbone = get(value);
    if (backbone instanceof TextBackbone text) {
      return text;
    }
    throw new IllegalArgumentException("trial option 'backbone' = '" + value + "' is a "
        + backbone.modality().label() + " backbone; a text backbone is needed here");
  }

  private static Path location(String value) {
    if (value.startsWith("file:")) {
      return Path.of(URI.create(value));
    }
    if (value.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*")) {
      return remoteCopy(value);
    }
    return Path.of(value);
  }

  /**
   * A local copy of a checkpoint on shared storage: {@code SLICELAB_CACHE/checkpoints/<SHA-256
   * of the URI>}, made once per machine (copied into a temporary directory, then renamed into
   * place, so a concurrent or interrupted copy is never read).
   */
  private static Path remoteCopy(String value) {
    URI uri = URI.create(value);
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    RemoteCheckpoints reader = null;
    for (RemoteCheckpoints r : ServiceLoader.load(RemoteCheckpoints.class)) {
      if (r.handles(scheme)) {
        reader = r;
        break;
      }
    }
    if (reader == null) {
      throw new IllegalArgumentException("trial option 'backbone' = '" + value + "': no reader "
          + "for '" + scheme + "://' URIs on the classpath (the Spark jobs read any Hadoop "
          + "FileSystem URI); alternatively mount the storage and give the local path");
    }
    Path cache = CacheDirs.dir("checkpoints");
    Path target = cache.resolve(DigestUtils.sha256Hex(value));
    if (Files.isRegularFile(target.resolve(CheckpointBackbone.CONFIG))) {
      return target;
    }
    Path partial = null;
    try {
      partial = Files.createTempDirectory(cache, "partial-");
      reader.copy(uri, partial);
      try {
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
        // another task of this machine finished the same copy first
      }
      return target;
    } catch (IOException e) {
      throw new IllegalArgumentException("trial option 'backbone' = '" + value + "': cannot "
          + "copy the checkpoint to " + cache + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(partial);
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // a leftover partial directory is harmless: it is never read
    }
  }
}
