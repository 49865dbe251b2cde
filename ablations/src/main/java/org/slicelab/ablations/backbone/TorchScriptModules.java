package org.slicelab.ablations.backbone;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Loads the parameter-free TorchScript modules SliceLab ships as classpath resources (made by
 * the scripts in {@code ablations/src/main/torchscript/}): torch kernels DJL has no binding for.
 */
public final class TorchScriptModules {
  private TorchScriptModules() {
  }

  /**
   * The module in resource {@code name} next to class {@code owner}, in a manager that lives as
   * long as the JVM (callers load it once and share it between threads and trials).
   */
  public static PtSymbolBlock load(Class<?> owner, String name) {
    NDManager lifetime = NDManager.newBaseManager("PyTorch");
    try (InputStream in = owner.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the TorchScript module " + name
            + " is missing from the classpath next to " + owner.getName() + " (a broken build?)");
      }
      return JniUtils.loadModule((PtNDManager) lifetime, in, false, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load the TorchScript module " + name, e);
    }
  }
}
