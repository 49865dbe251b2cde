package org.slicelab.spark.sequential;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.codec.digest.DigestUtils;
import org.slicelab.ablations.cache.AtomicFiles;
import org.slicelab.spark.report.ClaimSettings;
import org.slicelab.spark.report.FrozenVerdicts;
import org.slicelab.spark.stats.LookPlan;

/**
 * The sequential design of a results directory, fixed at the first look and kept in
 * {@code OUT/}{@value #FILE}: the grid (its name and its trials, by the SHA-256 of the sorted
 * trial ids), the margin, the seeds per look, the order in which seeds are added, how many looks
 * are done and the verdicts reached so far. A rerun continues from it (and refuses a different
 * design: changing the grid, the looks or the maximum after seeing data would void the error
 * rates); the report reads it to judge the claims at the last completed look.
 *
 * @param grid grid name
 * @param gridTrialIds the trial ids of the grid as written (before any look added seeds),
 *     sorted; empty in a file written before SliceLab recorded them
 * @param margin equivalence margin (points)
 * @param alpha family-wise error rate per verdict
 * @param seedsAtLook seeds per configuration at each look
 * @param seedOrder seeds in the order they are added (the grid's first)
 * @param completedLooks looks done (0 before the first)
 * @param history one line per completed look
 * @param frozen the verdicts reached so far, each kept from the look that reached it
 */
public record SequentialState(String grid, List<String> gridTrialIds, double margin,
    double alpha, int[] seedsAtLook, List<Long> seedOrder, int completedLooks,
    List<String> history, FrozenVerdicts frozen) {
  /** File name under the results directory. */
  public static final String FILE = "sequential.json";
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  /** Copies. */
  public SequentialState {
    gridTrialIds = gridTrialIds.stream().sorted().distinct().toList();
    seedsAtLook = seedsAtLook.clone();
    seedOrder = List.copyOf(seedOrder);
    history = List.copyOf(history);
  }

  /** SHA-256 (hex) of the sorted trial ids joined by newlines; "" when none are recorded. */
  public static String hash(List<String> sortedIds) {
    return sortedIds.isEmpty() ? "" : DigestUtils.sha256Hex(String.join("\n", sortedIds)
        .getBytes(StandardCharsets.UTF_8));
  }

  /** The hash of the grid's trials ({@link #hash}). */
  public String gridHash() {
    return hash(gridTrialIds);
  }

  /**
   * Checks that {@code wanted} (the design the current grid file gives) has the same trials as
   * the recorded grid.
   *
   * @throws IllegalArgumentException naming both hashes and how many trials were added and
   *     removed, when the grid changed
   */
  public void checkGrid(SequentialState wanted, String out, String gridFile) {
    if (gridTrialIds.isEmpty() || gridTrialIds.equals(wanted.gridTrialIds)) {
      return;
    }
    Set<String> before = new HashSet<>(gridTrialIds);
    Set<String> now = new HashSet<>(wanted.gridTrialIds);
    long added = now.stream().filter(id -> !before.contains(id)).count();
    long removed = before.stream().filter(id -> !now.contains(id)).count();
    throw new IllegalArgumentException("--out " + out + " holds a sequential run whose grid "
        + grid + " had " + gridTrialIds.size() + " trials (sha256 of the sorted trial ids "
        + gridHash() + "); the grid file " + gridFile + " now gives " + wanted.grid + " with "
        + wanted.gridTrialIds.size() + " trials (" + wanted.gridHash() + "): " + added
        + " added, " + removed + " removed. The design is fixed in advance: a grid edited "
        + "between looks (ranks, rates, any spec value) changes what the looks test; restore the "
        + "grid file or start the new design in a new --out");
  }

  /** This state with the grid's trials recorded (for a file written before they were). */
  public SequentialState withGridTrials(List<String> ids, String note) {
    List<String> h = new ArrayList<>(history);
    h.add(note);
    return new SequentialState(grid, ids, margin, alpha, seedsAtLook, seedOrder, completedLooks,
        h, frozen);
  }

  /** The look plan. */
  public LookPlan plan() {
    return new LookPlan(seedsAtLook, alpha);
  }

  /** The claim settings at look {@code look}, with the verdicts frozen so far. */
  public ClaimSettings settings(int look) {
    return new ClaimSettings(margin, plan(), look, frozen);
  }

  /** The seeds a configuration has at look {@code look} (1-based). */
  public List<Long> seedsAt(int look) {
    return seedOrder.subList(0, seedsAtLook[look - 1]);
  }

  /** The state after one more look, with the verdicts it reached first frozen. */
  public SequentialState withLookDone(String line, FrozenVerdicts verdicts) {
    List<String> h = new ArrayList<>(history);
    h.add(line);
    return new SequentialState(grid, gridTrialIds, margin, alpha, seedsAtLook, seedOrder,
        completedLooks + 1, h, verdicts);
  }

  /** A paragraph on the design and the looks for REPORT.md, as of look {@code look}. */
  public String describe(int look) {
    return describe(look, false);
  }

  /**
   * As {@link #describe(int)}; {@code completing}: the report is the judgement that completes
   * look {@code look} (the sequential loop records the look right after writing it), so the
   * look is not called incomplete.
   */
  public String describe(int look, boolean completing) {
    StringBuilder s = new StringBuilder();
    s.append("`--until-conclusive`: ").append(seedsAtLook.length).append(" looks fixed in ")
        .append("advance at ").append(Arrays.toString(seedsAtLook)).append(" seeds per ")
        .append("configuration (maximum ").append(seedsAtLook[seedsAtLook.length - 1])
        .append("), family-wise alpha ").append(alpha).append(" per verdict split evenly over ")
        .append("the looks (Bonferroni: ").append(String.format(java.util.Locale.ROOT, "%.4g",
            alpha / seedsAtLook.length)).append(" per look). After each look only the ")
        .append("configurations of claims still undecided (at ±").append(margin)
        .append(" or ±2) get more seeds; a verdict once reached is kept (frozen) at later looks. ")
        .append("Grid: ").append(gridTrialIds.size()).append(" trials, sha256 of the sorted ")
        .append("trial ids ").append(gridHash().isEmpty() ? "not recorded" : gridHash())
        .append(". This report is look ").append(look)
        .append(look <= completedLooks ? "" : completing
            ? " (this report completes it: its verdicts are recorded as look " + look + ")"
            : " (not complete yet)").append(" (seeds ")
        .append(seedsAt(look)).append("). Looks so far:\n\n");
    for (String h : history) {
      s.append("- ").append(h).append('\n');
    }
    if (history.isEmpty()) {
      s.append("- none\n");
    }
    return s.toString().strip();
  }

  /** Whether another design was asked for. */
  public boolean sameDesign(SequentialState other) {
    return grid.equals(other.grid) && margin == other.margin && alpha == other.alpha
        && Arrays.equals(seedsAtLook, other.seedsAtLook) && seedOrder.equals(other.seedOrder);
  }

  /** The local file of a results directory (a path or a file: URI), null when not local. */
  public static Path file(String results) {
    if (results.matches("[A-Za-z][A-Za-z0-9+.-]+:.*")) {
      URI uri = URI.create(results);
      return "file".equalsIgnoreCase(uri.getScheme()) ? Path.of(uri).resolve(FILE) : null;
    }
    return Path.of(results).resolve(FILE);
  }

  /** Reads the state of a results directory, null when there is none. */
  public static SequentialState read(String results) {
    Path file = file(results);
    if (file == null || !Files.exists(file)) {
      return null;
    }
    try {
      Map<?, ?> m = JSON.readValue(file.toFile(), Map.class);
      List<?> looks = (List<?>) m.get("seeds_at_look");
      int[] seeds = looks.stream().mapToInt(v -> ((Number) v).intValue()).toArray();
      List<Long> order = ((List<?>) m.get("seed_order")).stream()
          .map(v -> ((Number) v).longValue()).toList();
      List<String> history = ((List<?>) m.get("history")).stream().map(String::valueOf)
          .toList();
      List<String> ids = m.get("grid_trial_ids") == null ? List.of()
          : ((List<?>) m.get("grid_trial_ids")).stream().map(String::valueOf).toList();
      SequentialState state = new SequentialState((String) m.get("grid"), ids,
          ((Number) m.get("margin")).doubleValue(), ((Number) m.get("alpha")).doubleValue(),
          seeds, order, ((Number) m.get("completed_looks")).intValue(), history,
          FrozenVerdicts.fromJson((Map<?, ?>) m.get("frozen_verdicts")));
      Object stored = m.get("grid_trial_ids_sha256");
      if (stored != null && !stored.equals(state.gridHash())) {
        throw new IllegalStateException("grid_trial_ids_sha256 " + stored + " does not match "
            + "the stored grid_trial_ids (" + state.gridHash() + "): the file was edited");
      }
      return state;
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot read the sequential design " + file + ": " + e
          + " (delete it only together with the results it belongs to)", e);
    }
  }

  /** Writes (atomically replaces) the state file of {@code results}. */
  public void write(String results) {
    Path file = file(results);
    if (file == null) {
      throw new IllegalArgumentException("option '--out' = " + results + " must be a local "
          + "directory for --until-conclusive (the design file and the report are local)");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("grid", grid);
    m.put("grid_trials", gridTrialIds.size());
    m.put("grid_trial_ids_sha256", gridHash());
    m.put("margin", margin);
    m.put("alpha", alpha);
    m.put("alpha_per_look", alpha / seedsAtLook.length);
    m.put("seeds_at_look", seedsAtLook);
    m.put("seed_order", seedOrder);
    m.put("completed_looks", completedLooks);
    m.put("history", history);
    m.put("frozen_verdicts", frozen.toJson());
    m.put("grid_trial_ids", gridTrialIds);
    try {
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), ".sequential", ".tmp");
      JSON.writeValue(tmp.toFile(), m);
      AtomicFiles.replace(tmp, file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
