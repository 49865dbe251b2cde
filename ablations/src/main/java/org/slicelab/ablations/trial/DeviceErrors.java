package org.slicelab.ablations.trial;

import java.util.regex.Pattern;

/**
 * Recognises trial errors that leave the GPU unusable for the rest of the JVM. After a CUDA
 * error such as an illegal memory access or a device-side assert, the process's CUDA context is
 * broken, and every later trial in the same executor JVM fails too. Such an error must end the
 * executor, so that the cluster manager starts a fresh one and Spark retries the trial. It must
 * not become an ordinary {@code failed} row.
 *
 * <p>Read from the error text as {@link TrialResult#describe} writes it, stack frames skipped.
 * The text must name CUDA, cuBLAS, cuDNN or NCCL in libtorch's spelling ({@code CUDA error: ...},
 * {@code CUBLAS_STATUS_...}, {@code cuDNN error: CUDNN_STATUS_...}, {@code NCCL error ...}).
 * Two errors are left out: {@code CUDA out of memory}, because the context survives it and the
 * same trial would run out of memory on any executor, and device mismatches, which spell the
 * device in lower case ({@code cuda:0 and cpu}).
 */
public final class DeviceErrors {
  /**
   * The exit code of an executor JVM that ended itself after a CUDA error (fault injection's
   * {@code exit} uses {@link TrialSpec#FAULT_EXIT_CODE}).
   */
  public static final int EXIT_CODE = 87;

  private static final Pattern NAMES_CUDA = Pattern.compile(
      "\\b(CUDA|cuBLAS|CUBLAS\\w*|cuDNN|CUDNN\\w*|NCCL)\\b");
  private static final Pattern OUT_OF_MEMORY = Pattern.compile("CUDA out of memory");

  private DeviceErrors() {
  }

  /** True when {@code errorText} reports a CUDA error that breaks the JVM's CUDA context. */
  public static boolean breaksDevice(String errorText) {
    if (errorText == null || OUT_OF_MEMORY.matcher(errorText).find()) {
      return false;
    }
    for (String line : errorText.split("\\R")) {
      if (line.startsWith("\tat ") || line.startsWith("\t... ")) {
        continue; // stack frames name classes, not errors
      }
      if (NAMES_CUDA.matcher(line).find()) {
        return true;
      }
    }
    return false;
  }
}
