package org.slicelab.spark.cli;

import org.slicelab.ablations.backbone.CudaRuntime;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code slicelab} command line: {@code trial}, {@code sweep}, {@code report},
 * {@code figure2}, {@code bench}, {@code premises} and {@code gpu-check}. Logs go to stderr; every subcommand ends stdout with one
 * line of JSON. Runs under Spark's {@code SparkSubmit} (see {@code bin/slicelab}).
 *
 * <p>Exit status: {@link #EXIT_OK}, {@link #EXIT_ERROR}, {@link #EXIT_BAD_INPUT} and, for
 * {@code sweep}, {@code figure2} and {@code gpu-check}, {@link #EXIT_NOT_ALL_OK}.
 */
@Command(name = "slicelab", mixinStandardHelpOptions = true, version = "SliceLab 0.1.0",
    description = "Spark-orchestrated SliceFine / SIFT ablations on pretrained encoders.",
    subcommands = {TrialCommand.class, SweepCommand.class, BenchCommand.class, ReportCommand.class,
        Figure2Command.class, PremisesCommand.class, GpuCheckCommand.class})
public final class SliceLab implements Runnable {

  /** Exit status: the command did its work (for sweep and figure2: every trial is ok). */
  public static final int EXIT_OK = 0;
  /** Exit status: the command failed while running (Spark stopped, I/O error, a bug). */
  public static final int EXIT_ERROR = 1;
  /**
   * Exit status: bad input (usage, option, grid or output directory, or a results directory that
   * another live run owns), found before any work.
   */
  public static final int EXIT_BAD_INPUT = 2;
  /**
   * Exit status of {@code sweep} and {@code figure2}: the sweep finished (and figure2 wrote its
   * report), but some trial of the grid has no ok attempt (failed, diverged, timeout, crashed,
   * or not recorded); the JSON line says which.
   */
  public static final int EXIT_NOT_ALL_OK = 3;
  /** Help line of exit status 1 (sweep and figure2). */
  static final String HELP_EXIT_ERROR = "1:the run failed (Spark stopped, I/O error); rerun the "
      + "same command to resume";
  /** Help line of exit status 2. */
  static final String HELP_EXIT_BAD_INPUT = "2:bad input (option, grid file, output directory, "
      + "or a results directory another run owns); nothing was run";

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  /** Entry point (also the {@code --class} for spark-submit). */
  public static void main(String[] args) {
    int code = run(args);
    System.out.flush();
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Runs the command line and returns its exit code (2 for usage errors). */
  public static int run(String... args) {
    // before any command touches the engine (a no-op with the CPU natives)
    CudaRuntime.exposeBundled();
    CommandLine cli = new CommandLine(new SliceLab());
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    TrialOptions.addTo(cli.getSubcommands().get("trial").getCommandSpec());
    TrialOptions.addTo(cli.getSubcommands().get("premises").getCommandSpec());
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof IllegalArgumentException) {
        commandLine.getErr().println("error: " + e.getMessage());
        System.out.println(JsonLine.error(commandLine.getCommandName(), e.getMessage()));
        return EXIT_BAD_INPUT;
      }
      throw e;
    });
    return cli.execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "a subcommand is required: " + spec.subcommands().keySet());
  }
}
