package org.slicelab.spark.grid;

import static org.slicelab.spark.grid.GridFile.inFileOrder;
import static org.slicelab.spark.grid.GridFile.line;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slicelab.ablations.trial.TrialSpec;
import org.slicelab.ablations.trial.TrialValidator;
import org.slicelab.spark.grid.TrialOptionValues.Axis;

/**
 * Reads a grid file (HOCON, via Typesafe Config), expands every panel's Cartesian product into
 * {@link TrialSpec}s and validates each one with {@link TrialSpec#fromMap} and
 * {@link TrialValidator#check} before anything runs.
 *
 * <h2>Shape</h2>
 * <pre>{@code
 * name = figure2-quick            # required; recorded in every result row
 * description = "..."             # optional
 * defaults {                      # optional; trial options for every panel
 *   train_size = 200
 *   epochs = 4
 * }
 * panels {                        # required; at least one panel
 *   rank_sweep {                  # panel name: letters, digits, '_' or '-'
 *     description = "..."         # optional
 *     fixed { method = slicefine }          # optional; overrides defaults
 *     axes {                                # optional; lists, Cartesian product
 *       rank = [1, 2, 4, 8]
 *       seeds = [1, 2, 3]                   # alias of the "seed" axis
 *     }
 *   }
 * }
 * }</pre>
 *
 * <p>Keys under {@code defaults}, {@code fixed} and {@code axes} are trial options
 * ({@link TrialSpec#fieldNames()}, snake_case). Precedence: an axis value over {@code fixed} over
 * {@code defaults} over the spec's own defaults; one option may not be both fixed and an axis of
 * the same panel. A panel without axes is one trial. Axes expand in file order, the last one
 * varying fastest. Identical trials (within or across panels) are run once and recorded under
 * every panel that contains them.
 *
 * <p>Rejected with a {@link GridException} naming the file, key path, line and what is allowed:
 * a missing or unparsable file, unknown keys, values of the wrong type (integers, numbers,
 * booleans and strings are not converted into each other; {@code position} takes a number or a
 * string), empty or non-list axes, duplicate axis values, and any expanded trial that
 * {@link TrialSpec} or {@link TrialValidator} rejects (out-of-range values, shapes that do not
 * fit the backbone, sizes larger than the data).
 *
 * <p>The parts: {@link GridFile} (HOCON and the file's structure), {@link TrialOptionValues}
 * (option keys and value types, axes) and {@link PanelExpansion} (the Cartesian product and each
 * trial's validation).
 */
public final class GridLoader {
  /** Top-level key: the grid's name (required string). */
  public static final String NAME = "name";
  /** Top-level and panel key: free text (optional string). */
  public static final String DESCRIPTION = "description";
  /** Top-level key: trial options shared by all panels (optional object). */
  public static final String DEFAULTS = "defaults";
  /** Top-level key: the panels (required, non-empty object). */
  public static final String PANELS = "panels";
  /** Panel key: trial options fixed for this panel (optional object). */
  public static final String FIXED = "fixed";
  /** Panel key: lists of values whose Cartesian product gives the trials (optional object). */
  public static final String AXES = "axes";
  /** Axis alias for {@code seed}. */
  public static final String SEEDS = "seeds";
  /** The most trials one panel may expand to (a guard against a typo'd axis). */
  public static final int MAX_TRIALS_PER_PANEL = 100_000;

  private static final List<String> TOP_KEYS = List.of(NAME, DESCRIPTION, DEFAULTS, PANELS);
  private static final List<String> PANEL_KEYS = List.of(DESCRIPTION, FIXED, AXES);
  private static final Pattern NAME_PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final Pattern PANEL_PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");

  private final GridFile file;
  private final TrialOptionValues options;
  private final PanelExpansion expansion;

  private GridLoader(Path file) {
    this.file = new GridFile(file);
    this.options = new TrialOptionValues(this.file);
    this.expansion = new PanelExpansion(file);
  }

  /**
   * Reads, expands and validates {@code file}.
   *
   * @throws GridException for any problem, before anything is run or written
   */
  public static Grid load(Path file) {
    return new GridLoader(file).read();
  }

  private Grid read() {
    ConfigObject root = file.parse();
    file.checkKeys(root, null, TOP_KEYS, "");
    String name = file.requiredString(root, NAME, NAME_PATTERN,
        "a name of letters, digits, '.', '_' or '-' (e.g. name = figure2-quick)");
    String description = file.optionalString(root, DESCRIPTION, DESCRIPTION);
    Map<String, Setting> defaults = options.settings(root.get(DEFAULTS), DEFAULTS);

    ConfigValue panelsValue = root.get(PANELS);
    if (panelsValue == null) {
      throw new GridException(file.path(), PANELS, -1, "missing required key; a grid needs at "
          + "least one panel: panels { my_panel { fixed { ... }, axes { seeds = [1, 2] } } }");
    }
    ConfigObject panelsObject = file.object(panelsValue, PANELS);
    if (panelsObject.isEmpty()) {
      throw new GridException(file.path(), PANELS, line(panelsValue), "no panels; allowed: one"
          + " or more named panels, e.g. panels { my_panel { fixed { method = head } } }");
    }
    List<Panel> panels = new ArrayList<>();
    for (Map.Entry<String, ConfigValue> entry : inFileOrder(panelsObject)) {
      panels.add(panel(entry.getKey(), entry.getValue(), defaults));
    }
    return new Grid(name, description, file.path(), panels);
  }

  private Panel panel(String name, ConfigValue value, Map<String, Setting> defaults) {
    String path = PANELS + "." + name;
    if (!PANEL_PATTERN.matcher(name).matches()) {
      throw new GridException(file.path(), path, line(value), "invalid panel name; allowed: "
          + "letters, digits, '_' and '-' (start with a letter or digit)");
    }
    ConfigObject panel = file.object(value, path);
    file.checkKeys(panel, path, PANEL_KEYS, "");
    String description = file.optionalString(panel, DESCRIPTION, path + "." + DESCRIPTION);
    Map<String, Setting> fixed = options.settings(panel.get(FIXED), path + "." + FIXED);
    List<Axis> axes = options.axes(panel.get(AXES), path + "." + AXES, fixed);
    Map<String, Setting> base = new LinkedHashMap<>(defaults);
    base.putAll(fixed);
    return new Panel(name, description,
        expansion.trials(name, path, line(panel.get(AXES)), axes, base));
  }
}
