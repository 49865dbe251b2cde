package org.slicelab.spark.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import org.slicelab.ablations.trial.GpuNodeCheck;
import picocli.CommandLine.Command;

/** {@code slicelab gpu-check}: the GPU node check ({@link GpuNodeCheck}); run it on a node first. */
@Command(name = "gpu-check", mixinStandardHelpOptions = true,
    description = "Check this node's GPU: do the CUDA natives load, which GPUs DJL sees, one tiny "
        + "trial per method on the GPU and on the CPU (same seed), one method twice on the GPU. "
        + "Prints one JSON line with a verdict: ok, no_gpu, engine_failed or trials_failed.",
    exitCodeListHeading = "Exit status:%n",
    exitCodeList = {"0:verdict ok", "3:any other verdict (no GPU, natives or GPU trials failed)"})
public final class GpuCheckCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    Map<String, Object> summary = GpuNodeCheck.run(System.err);
    System.out.println(JsonLine.of(summary));
    return "ok".equals(summary.get("verdict")) ? SliceLab.EXIT_OK : SliceLab.EXIT_NOT_ALL_OK;
  }
}
