package org.slicelab.spark.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slicelab.ablations.config.Option;
import org.slicelab.ablations.trial.TrialSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Generates one command-line option per {@link TrialSpec} option ({@code train_size} becomes
 * {@code --train-size}), typed, defaulted and described by the option's declaration (the core
 * spec's or a method's settings), so the command line, grid files and result columns can never
 * disagree.
 */
public final class TrialOptions {
  private TrialOptions() {
  }

  /** Adds every trial option to {@code command}. */
  public static void addTo(CommandSpec command) {
    Map<String, Object> defaults = TrialSpec.builder().build().toMap();
    Map<String, Option<?>> options = TrialSpec.options();
    defaults.forEach((field, value) -> {
      OptionSpec.Builder option = OptionSpec.builder(flag(field))
          .type(value instanceof Boolean ? boolean.class : value == null ? String.class
              : value.getClass() == Integer.class ? int.class
              : value.getClass() == Long.class ? long.class
              : value.getClass() == Double.class ? double.class : String.class)
          .description(options.get(field).help() + " (default: " + value + ")")
          .paramLabel(field.toUpperCase(java.util.Locale.ROOT));
      if (value instanceof Boolean) {
        option.arity("0..1");
      }
      command.addOption(option.build());
    });
  }

  /** The spec given by the options actually passed; everything else keeps its default. */
  public static TrialSpec parse(ParseResult parsed) {
    TrialSpec.Builder builder = TrialSpec.builder();
    given(parsed).forEach(builder::set);
    return builder.build();
  }

  /** The trial options actually passed, by snake_case name, with their values. */
  public static Map<String, Object> given(ParseResult parsed) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (OptionSpec option : parsed.matchedOptions()) {
      String field = option.longestName().substring(2).replace('-', '_');
      if (TrialSpec.fieldNames().contains(field)) {
        values.put(field, option.getValue());
      }
    }
    return values;
  }

  /** {@code --train-size} for {@code train_size}. */
  public static String flag(String field) {
    return "--" + field.replace('_', '-');
  }
}
