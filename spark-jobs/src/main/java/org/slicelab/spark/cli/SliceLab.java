package org.slicelab.spark.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code slicelab} command line: {@code trial}, {@code sweep}, {@code report},
 * {@code figure2} and {@code bench}. Logs go to stderr; every subcommand ends stdout with one
 * line of JSON. Runs under Spark's {@code SparkSubmit} (see {@code bin/slicelab}).
 */
@Command(name = "slicelab", mixinStandardHelpOptions = true, version = "SliceLab 0.1.0",
    description = "Spark-orchestrated SliceFine / SIFT ablations on pretrained encoders.",
    subcommands = {TrialCommand.class, SweepCommand.class, BenchCommand.class, ReportCommand.class,
        Figure2Command.class})
public final class SliceLab implements Runnable {

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
    CommandLine cli = new CommandLine(new SliceLab());
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    TrialOptions.addTo(cli.getSubcommands().get("trial").getCommandSpec());
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof IllegalArgumentException) {
        commandLine.getErr().println("error: " + e.getMessage());
        System.out.println(JsonLine.error(commandLine.getCommandName(), e.getMessage()));
        return 2;
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
