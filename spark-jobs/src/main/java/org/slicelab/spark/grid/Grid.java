package org.slicelab.spark.grid;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.slicelab.ablations.trial.TrialSpec;

/**
 * An expanded, validated grid: named panels of {@link TrialSpec}s and the distinct trials across
 * them. Built by {@link GridLoader}.
 */
public final class Grid {
  private final String name;
  private final String description;
  private final Path file;
  private final List<Panel> panels;
  private final List<PlannedTrial> trials;

  Grid(String name, String description, Path file, List<Panel> panels) {
    this.name = name;
    this.description = description;
    this.file = file;
    this.panels = List.copyOf(panels);
    Map<String, TrialSpec> specs = new LinkedHashMap<>();
    Map<String, List<String>> membership = new LinkedHashMap<>();
    for (Panel panel : panels) {
      for (TrialSpec spec : panel.trials()) {
        String id = spec.trialId();
        specs.putIfAbsent(id, spec);
        List<String> names = membership.computeIfAbsent(id, k -> new ArrayList<>());
        if (!names.contains(panel.name())) {
          names.add(panel.name());
        }
      }
    }
    List<PlannedTrial> planned = new ArrayList<>();
    specs.forEach((id, spec) -> planned.add(new PlannedTrial(spec, membership.get(id))));
    this.trials = List.copyOf(planned);
  }

  /**
   * The same grid (name, description, file) with other panels, e.g. with trials added for more
   * seeds. The caller validated the added specs (they are {@link TrialSpec}s).
   */
  public Grid withPanels(List<Panel> newPanels) {
    return new Grid(name, description, file, newPanels);
  }

  /** The grid's {@code name} (recorded in every result row). */
  public String name() {
    return name;
  }

  /** The grid's {@code description}, or "". */
  public String description() {
    return description;
  }

  /** The file it was read from. */
  public Path file() {
    return file;
  }

  /** Panels in file order. */
  public List<Panel> panels() {
    return panels;
  }

  /** Distinct trials in panel order (a trial in several panels appears once). */
  public List<PlannedTrial> trials() {
    return trials;
  }

  /**
   * The spec fields whose value differs between trials of this grid, sorted: what identifies a
   * trial in progress lines.
   */
  public List<String> varyingFields() {
    List<String> out = new ArrayList<>();
    if (trials.isEmpty()) {
      return out;
    }
    List<Map<String, Object>> maps = new ArrayList<>();
    trials.forEach(trial -> maps.add(trial.spec().toMap()));
    Map<String, Object> first = maps.get(0);
    for (String field : new TreeSet<>(first.keySet())) {
      for (Map<String, Object> values : maps) {
        if (!Objects.equals(first.get(field), values.get(field))) {
          out.add(field);
          break;
        }
      }
    }
    return out;
  }
}
