package org.slicelab.spark.grid;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slicelab.ablations.trial.TrialSpec;
import org.slicelab.ablations.trial.TrialValidator;
import org.slicelab.spark.grid.TrialOptionValues.Axis;

/**
 * Expands a panel's axes into trials (Cartesian product in file order, the last axis varying
 * fastest; an axis value over {@code fixed} over {@code defaults}) and validates each with
 * {@link TrialSpec#fromMap} and {@link TrialValidator#check}. A rejected trial's error points at
 * the grid key that set the offending option.
 */
final class PanelExpansion {
  private static final Pattern OPTION_IN_MESSAGE = Pattern.compile("trial option '([a-z0-9_]+)'");

  private final Path file;
  /** Trial id + given option names already validated (once per load, across panels). */
  private final Set<String> checked = new HashSet<>();

  PanelExpansion(Path file) {
    this.file = file;
  }

  /** The distinct trials of one panel, in expansion order. */
  List<TrialSpec> trials(String panel, String panelPath, int axesLine, List<Axis> axes,
      Map<String, Setting> base) {
    long combinations = 1;
    for (Axis axis : axes) {
      combinations *= axis.values().size();
      if (combinations > GridLoader.MAX_TRIALS_PER_PANEL) {
        throw new GridException(file, panelPath + "." + GridLoader.AXES, axesLine, "the axes "
            + "expand to more than " + GridLoader.MAX_TRIALS_PER_PANEL + " trials; allowed: at "
            + "most " + GridLoader.MAX_TRIALS_PER_PANEL + " per panel (split the panel)");
      }
    }
    Map<String, TrialSpec> trials = new LinkedHashMap<>();
    int[] index = new int[axes.size()];
    for (long n = 0; n < combinations; n++) {
      Map<String, Setting> settings = new LinkedHashMap<>(base);
      List<String> combination = new ArrayList<>();
      for (int a = 0; a < axes.size(); a++) {
        Setting setting = axes.get(a).values().get(index[a]);
        settings.put(axes.get(a).field(), setting);
        combination.add(axes.get(a).field() + "=" + setting.value());
      }
      TrialSpec spec = build(panel, settings, combination);
      trials.putIfAbsent(spec.trialId(), spec);
      for (int a = axes.size() - 1; a >= 0; a--) {
        if (++index[a] < axes.get(a).values().size()) {
          break;
        }
        index[a] = 0;
      }
    }
    return new ArrayList<>(trials.values());
  }

  private TrialSpec build(String panel, Map<String, Setting> settings, List<String> combination) {
    Map<String, Object> values = new LinkedHashMap<>();
    settings.forEach((field, setting) -> values.put(field, setting.value()));
    TrialSpec spec;
    try {
      spec = TrialSpec.fromMap(values);
      // a size given in the grid must fit even at its default value: the same trial id
      // is checked once per set of given options
      String key = spec.trialId() + values.keySet().stream().sorted().toList();
      if (!checked.contains(key)) {
        TrialValidator.check(spec, values.keySet());
        checked.add(key);
      }
      return spec;
    } catch (IllegalArgumentException e) {
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      Matcher m = OPTION_IN_MESSAGE.matcher(message);
      String option = m.find() ? m.group(1) : null;
      Setting origin = option == null ? null : settings.get(option);
      String where = combination.isEmpty() ? "" : " (trial " + String.join(", ", combination) + ")";
      if (origin != null) {
        throw new GridException(file, origin.path(), origin.line(), message + where, e);
      }
      String note = option == null ? "" : " (option '" + option + "' is not set in the grid: "
          + "its default applies; set it under defaults, fixed or axes)";
      throw new GridException(file, GridLoader.PANELS + "." + panel, -1, message + note + where,
          e);
    }
  }
}
