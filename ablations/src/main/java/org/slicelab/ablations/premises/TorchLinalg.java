package org.slicelab.ablations.premises;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.training.ParameterStore;
import org.slicelab.ablations.backbone.TorchScriptModules;

/**
 * The two decompositions the premises need, computed by PyTorch ({@code torch.linalg.svdvals}
 * and {@code torch.linalg.eigh}) through parameter-free TorchScript modules
 * ({@code svdvals.pt}, {@code eigh.pt}, written by
 * {@code ablations/src/main/torchscript/make_linalg.py}): DJL binds no decomposition. Both run
 * with autograd off and on the inputs' device and type.
 */
public final class TorchLinalg {
  private TorchLinalg() {
  }

  /**
   * The singular values of every matrix of a batch {@code [..., m, n]}, descending:
   * {@code [..., min(m, n)]}.
   */
  public static NDArray singularValues(NDArray matrices) {
    return run(Loaded.SVDVALS, matrices).singletonOrThrow();
  }

  /**
   * The eigendecomposition of a symmetric matrix {@code [n, n]}: eigenvalues ascending
   * {@code [n]}, then the matching unit eigenvectors as the columns of {@code [n, n]}.
   */
  public static NDList symmetricEigen(NDArray symmetric) {
    return run(Loaded.EIGH, symmetric);
  }

  private static NDList run(PtSymbolBlock module, NDArray input) {
    // training = false: the module runs without recording a graph
    return module.forward(new ParameterStore(input.getManager(), false), new NDList(input),
        false);
  }

  /** Loads the modules on first use (class initialisation makes that thread-safe). */
  private static final class Loaded {
    static final PtSymbolBlock SVDVALS = TorchScriptModules.load(TorchLinalg.class,
        "svdvals.pt");
    static final PtSymbolBlock EIGH = TorchScriptModules.load(TorchLinalg.class, "eigh.pt");
  }
}
