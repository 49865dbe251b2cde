package org.slicelab.ablations.method;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.slicelab.ablations.trial.TrialSpec;

/**
 * The registry of fine-tuning methods by name ({@code head}, {@code full}, {@code slicefine},
 * {@code sift}, {@code lora}).
 */
public final class Methods {
  private static final Map<String, Function<TrialSpec, FineTuningMethod>> REGISTRY =
      new LinkedHashMap<>();

  static {
    REGISTRY.put("head", spec -> new HeadOnly());
    REGISTRY.put("full", spec -> new FullFineTuning());
    REGISTRY.put("slicefine", SliceFine::new);
    REGISTRY.put("sift", Sift::new);
    REGISTRY.put("lora", Lora::new);
  }

  private Methods() {
  }

  /** A new method instance for the spec's {@code method}. */
  public static FineTuningMethod create(TrialSpec spec) {
    Function<TrialSpec, FineTuningMethod> factory = REGISTRY.get(spec.method());
    if (factory == null) {
      throw new IllegalArgumentException("trial option 'method' = " + spec.method()
          + " is invalid: must be one of " + REGISTRY.keySet());
    }
    return factory.apply(spec);
  }
}
