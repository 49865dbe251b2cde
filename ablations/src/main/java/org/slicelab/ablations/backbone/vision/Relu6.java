package org.slicelab.ablations.backbone.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.training.ParameterStore;
import org.slicelab.ablations.backbone.TorchScriptModules;

/**
 * ReLU6, {@code min(max(x, 0), 6)}, through torch's {@code hardtanh} (one pass forward, one pass
 * backward, as {@code torch.nn.ReLU6} runs), which DJL does not bind: a parameter-free
 * TorchScript module ({@code relu6.pt}, made and checked by
 * {@code ablations/src/main/torchscript/make_relu6.py}). DJL's own relu6 ({@code min(relu(x),
 * 6)}) and {@code clip(0, 6)} give the same values but back-propagate through four to seven
 * element-wise passes, a fifth of a MobileNetV2 training step.
 */
final class Relu6 {
  private static final String RESOURCE = "relu6.pt";
  private static final String RESOURCE_IN_PLACE = "relu6_inplace.pt";

  private Relu6() {
  }

  /** ReLU6 of {@code x}; autograd follows the caller's gradient mode. */
  static NDArray apply(NDArray x) {
    // training = true: autograd follows the caller's mode (false would force it off)
    return Loaded.MODULE.forward(new ParameterStore(x.getManager(), false), new NDList(x), true)
        .singletonOrThrow();
  }

  /**
   * ReLU6 of {@code x} written into {@code x} (torch's {@code hardtanh_}, as
   * {@code torch.nn.ReLU6(inplace=True)} runs): no new activation-sized tensor. Only for a caller
   * that owns {@code x}: nothing else reads it afterwards. Autograd records it as torch does.
   */
  static NDArray applyInPlace(NDArray x) {
    return LoadedInPlace.MODULE.forward(new ParameterStore(x.getManager(), false),
        new NDList(x), true).singletonOrThrow();
  }

  /** Loads the module on first use (the JVM's class initialisation makes that thread-safe). */
  private static final class Loaded {
    static final PtSymbolBlock MODULE = TorchScriptModules.load(Relu6.class, RESOURCE);
  }

  /** As {@link Loaded}, for the in-place module. */
  private static final class LoadedInPlace {
    static final PtSymbolBlock MODULE = TorchScriptModules.load(Relu6.class, RESOURCE_IN_PLACE);
  }
}
