package org.slicelab.ablations.method;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.slicelab.ablations.trial.TrialSpec;

/**
 * The registry of fine-tuning methods by name ({@code head}, {@code full}, {@code slicefine},
 * {@code sift}, {@code lora}), each with its default peak learning rate.
 */
public final class Methods {
  private record Registration(Function<TrialSpec, FineTuningMethod> factory, double defaultLr) {
  }

  private static final Map<String, Registration> REGISTRY = new LinkedHashMap<>();

  static {
    REGISTRY.put("head", new Registration(spec -> new HeadOnly(), 5e-3));
    REGISTRY.put("full", new Registration(spec -> new FullFineTuning(), 5e-5));
    REGISTRY.put("slicefine", new Registration(SliceFine::new, 5e-3));
    REGISTRY.put("sift", new Registration(Sift::new, 5e-3));
    REGISTRY.put("lora", new Registration(Lora::new, 2e-3));
  }

  private Methods() {
  }

  /** A new method instance for the spec's {@code method}. */
  public static FineTuningMethod create(TrialSpec spec) {
    return registration(spec.method()).factory().apply(spec);
  }

  /** The peak learning rate {@code method} trains at when a trial leaves {@code lr} at 0. */
  public static double defaultLr(String method) {
    return registration(method).defaultLr();
  }

  /** Every method's default learning rate, in registry order ("head 5e-3, full 5e-5, ..."). */
  public static String defaultLrSummary() {
    StringBuilder out = new StringBuilder();
    REGISTRY.forEach((name, r) -> out.append(out.length() == 0 ? "" : ", ").append(name)
        .append(' ').append(String.format(java.util.Locale.ROOT, "%.0e", r.defaultLr())
            .replace("e-0", "e-")));
    return out.toString();
  }

  private static Registration registration(String method) {
    Registration registration = REGISTRY.get(method);
    if (registration == null) {
      throw new IllegalArgumentException("trial option 'method' = " + method
          + " is invalid: must be one of " + REGISTRY.keySet());
    }
    return registration;
  }
}
