package org.slicelab.ablations.premises;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slicelab.ablations.model.SliceAxis;

/**
 * The rows of the premises tables, each starting with the pair's identity and checksums
 * (backbone, dataset, backbone_sha256, data_sha256, train_ids_sha256, seed), then init, layer,
 * axis and rank.
 */
public final class PremisesTables {
  /** Table names, in output order. */
  public static final List<String> NAMES = List.of("slice_spectra", "balance", "task_energy",
      "slice_gradient_energy");

  /** Normalised spectrum and energy of every slice. */
  public final List<Map<String, Object>> sliceSpectra = new ArrayList<>();
  /** Balance index and null percentiles per (init, layer, axis, rank). */
  public final List<Map<String, Object>> balance = new ArrayList<>();
  /** Task-energy curve points per (init, layer). */
  public final List<Map<String, Object>> taskEnergy = new ArrayList<>();
  /** Step-0 gradient share of every slice. */
  public final List<Map<String, Object>> sliceGradientEnergy = new ArrayList<>();
  /** Seconds per phase (wall clock; the null's simulation counts in the first balance phase). */
  public final Map<String, Double> seconds = new LinkedHashMap<>();
  private Map<String, Object> common = Map.of();

  /** Sets the columns every row starts with. */
  void common(Map<String, Object> values) {
    common = new LinkedHashMap<>();
    for (String key : List.of("backbone", "dataset", "backbone_sha256", "data_sha256",
        org.slicelab.ablations.trial.TrialResources.TRAIN_FINGERPRINT, "seed")) {
      common.put(key, values.get(key));
    }
  }

  /** A new row: the common columns, then init, layer, axis and rank. */
  Map<String, Object> row(String init, String layer, SliceAxis axis, int rank) {
    Map<String, Object> row = new LinkedHashMap<>(common);
    row.put("init", init);
    row.put("layer", layer);
    row.put("axis", axis.label());
    row.put("rank", rank);
    return row;
  }

  /** The rows of table {@code name} (one of {@link #NAMES}). */
  public List<Map<String, Object>> table(String name) {
    return switch (name) {
      case "slice_spectra" -> sliceSpectra;
      case "balance" -> balance;
      case "task_energy" -> taskEnergy;
      case "slice_gradient_energy" -> sliceGradientEnergy;
      default -> throw new IllegalArgumentException("unknown premises table " + name);
    };
  }
}
