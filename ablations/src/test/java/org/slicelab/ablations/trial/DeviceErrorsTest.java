package org.slicelab.ablations.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.EngineException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which trial errors end a cluster executor: libtorch's CUDA, cuBLAS, cuDNN and NCCL errors, as
 * {@link TrialResult#describe} writes them; not CUDA out-of-memory, device mismatches or plain
 * exceptions. And {@code fault = cuda} raises one inside the trial, which the runner records.
 */
class DeviceErrorsTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "CUDA error: an illegal memory access was encountered",
      "CUDA error: device-side assert triggered",
      "CUBLAS_STATUS_EXECUTION_FAILED when calling `cublasSgemm( handle, opa, opb, m, n, k)`",
      "cuDNN error: CUDNN_STATUS_INTERNAL_ERROR",
      "NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:219, unhandled cuda error",
      "CUDA driver error: unspecified launch failure"})
  void contextBreakingErrorsAreRecognisedInsideAStackTrace(String message) {
    String text = TrialResult.describe(new IllegalStateException("training failed",
        new EngineException(message)));
    assertTrue(DeviceErrors.breaksDevice(text), text);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "CUDA out of memory. Tried to allocate 20.00 MiB. GPU 0 has a total capacity of 15.77 GiB",
      "Expected all tensors to be on the same device, but found at least two devices, cuda:0 "
          + "and cpu!",
      "injected fault (fault = throw)",
      "could not parse PYTORCH_CUDA_ALLOC_CONF"})
  void otherErrorsAreOrdinaryFailures(String message) {
    assertFalse(DeviceErrors.breaksDevice(TrialResult.describe(new EngineException(message))),
        message);
  }

  @Test
  void stackFramesDoNotCount() {
    assertFalse(DeviceErrors.breaksDevice("java.lang.IllegalStateException: boom\n"
        + "\tat ai.djl.util.cuda.CUDA.getGpuCount(CUDA.java:10)\n"));
    assertFalse(DeviceErrors.breaksDevice(null));
  }

  @Test
  void cudaFaultFailsTheTrialWithAContextBreakingError() {
    TrialSpec spec = TrialSpec.builder().method("head").fault("cuda").build();
    TrialResult result = new TrialRunner().run(spec);
    assertEquals(TrialStatus.FAILED, result.status());
    assertTrue(result.error().contains("CUDA error: an illegal memory access")
        && result.error().contains("fault = cuda"), result.error());
    assertTrue(DeviceErrors.breaksDevice(result.error()), result.error());
  }
}
