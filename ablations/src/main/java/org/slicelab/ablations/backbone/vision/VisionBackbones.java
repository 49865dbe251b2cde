package org.slicelab.ablations.backbone.vision;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The image backbones: the built-in nsfwjs networks ({@code mobilenet-v2}: MobileNetV2, 2.3 M
 * backbone parameters, 224 px; {@code mobilenet-v2-mid}: MobileNetV2 1.4x, 224 px;
 * {@code inception-v3}: InceptionV3, 299 px), and any TF.js layers {@code model.json} by path.
 * Each is created once per JVM and shared, so weights are read once per executor.
 */
public final class VisionBackbones {
  private static final Map<String, String> BUILT_IN = new LinkedHashMap<>();
  private static final Map<String, KerasBackbone> CREATED = new ConcurrentHashMap<>();

  static {
    BUILT_IN.put("mobilenet-v2", "mobilenet_v2");
    BUILT_IN.put("mobilenet-v2-mid", "mobilenet_v2_mid");
    BUILT_IN.put("inception-v3", "inception_v3");
  }

  private VisionBackbones() {
  }

  /** The built-in names, in documentation order. */
  public static List<String> builtInNames() {
    return List.copyOf(BUILT_IN.keySet());
  }

  /** Whether {@code value} names a built-in image backbone. */
  public static boolean isBuiltIn(String value) {
    return BUILT_IN.containsKey(value);
  }

  /** Whether {@code value} is the location of a TF.js {@code model.json}. */
  public static boolean isModelJson(String value) {
    return value.endsWith(".json");
  }

  /**
   * The backbone for a built-in name or a {@code model.json} path (checked when first used:
   * the file must exist).
   */
  public static KerasBackbone get(String value) {
    return CREATED.computeIfAbsent(value, v -> {
      String model = BUILT_IN.get(v);
      if (model != null) {
        return new KerasBackbone(v, () -> NsfwjsModels.modelJson(model));
      }
      if (!isModelJson(v)) {
        throw new IllegalArgumentException("'" + v + "' is neither an image backbone ("
            + String.join(", ", builtInNames()) + ") nor a TF.js model.json path");
      }
      Path path = Path.of(v);
      if (!Files.isRegularFile(path)) {
        throw new IllegalArgumentException("the TF.js model " + path + " is not a file");
      }
      return new KerasBackbone(v, () -> path);
    });
  }
}
