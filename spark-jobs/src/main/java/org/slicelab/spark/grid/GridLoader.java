package org.slicelab.spark.grid;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slicelab.ablations.trial.TrialSpec;
import org.slicelab.ablations.trial.TrialValidator;

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
  private static final Pattern OPTION_IN_MESSAGE = Pattern.compile("trial option '([a-z0-9_]+)'");
  /** String options that also take a number (TrialSpec normalises them). */
  private static final Set<String> NUMBER_OR_STRING = Set.of("position");

  private enum Kind {
    INTEGER("an integer"), NUMBER("a number"), BOOLEAN("true or false"), STRING("a string"),
    NUMBER_OR_STRING("a number or a string");

    final String text;

    Kind(String text) {
      this.text = text;
    }
  }

  /** A value from the file and where it came from. */
  private record Setting(Object value, String path, int line) {
  }

  /** One axis: the option it sets and its values. */
  private record Axis(String field, String path, List<Setting> values) {
  }

  private final Path file;
  private final Map<String, Kind> kinds;
  private final Map<String, String> checked = new HashMap<>();

  private GridLoader(Path file) {
    this.file = file;
    this.kinds = kinds();
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
    if (!Files.exists(file)) {
      throw new GridException(file, null, -1, "file not found (working directory "
          + Path.of("").toAbsolutePath() + ")");
    }
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new GridException(file, null, -1, "not a readable regular file");
    }
    Config config;
    try {
      config = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults()
          .setAllowMissing(false).setSyntax(ConfigSyntax.CONF)).resolve();
    } catch (ConfigException e) {
      int line = e.origin() == null ? -1 : e.origin().lineNumber();
      throw new GridException(file, null, line, "not valid HOCON: " + e.getMessage(), e);
    }
    ConfigObject root = config.root();
    checkKeys(root, null, TOP_KEYS, "");
    String name = requiredString(root, NAME, NAME_PATTERN,
        "a name of letters, digits, '.', '_' or '-' (e.g. name = figure2-quick)");
    String description = optionalString(root, DESCRIPTION, DESCRIPTION);
    Map<String, Setting> defaults = settings(root.get(DEFAULTS), DEFAULTS);

    ConfigValue panelsValue = root.get(PANELS);
    if (panelsValue == null) {
      throw new GridException(file, PANELS, -1, "missing required key; a grid needs at least "
          + "one panel: panels { my_panel { fixed { ... }, axes { seeds = [1, 2] } } }");
    }
    ConfigObject panelsObject = object(panelsValue, PANELS);
    if (panelsObject.isEmpty()) {
      throw new GridException(file, PANELS, line(panelsValue), "no panels; allowed: one or more "
          + "named panels, e.g. panels { my_panel { fixed { method = head } } }");
    }
    List<Panel> panels = new ArrayList<>();
    for (Map.Entry<String, ConfigValue> entry : inFileOrder(panelsObject)) {
      panels.add(panel(entry.getKey(), entry.getValue(), defaults));
    }
    return new Grid(name, description, file, panels);
  }

  private Panel panel(String name, ConfigValue value, Map<String, Setting> defaults) {
    String path = PANELS + "." + name;
    if (!PANEL_PATTERN.matcher(name).matches()) {
      throw new GridException(file, path, line(value), "invalid panel name; allowed: letters, "
          + "digits, '_' and '-' (start with a letter or digit)");
    }
    ConfigObject panel = object(value, path);
    checkKeys(panel, path, PANEL_KEYS, "");
    String description = optionalString(panel, DESCRIPTION, path + "." + DESCRIPTION);
    Map<String, Setting> fixed = settings(panel.get(FIXED), path + "." + FIXED);
    List<Axis> axes = axes(panel.get(AXES), path + "." + AXES, fixed);

    long combinations = 1;
    for (Axis axis : axes) {
      combinations *= axis.values().size();
      if (combinations > MAX_TRIALS_PER_PANEL) {
        throw new GridException(file, path + "." + AXES, line(panel.get(AXES)), "the axes expand "
            + "to more than " + MAX_TRIALS_PER_PANEL + " trials; allowed: at most "
            + MAX_TRIALS_PER_PANEL + " per panel (split the panel)");
      }
    }
    Map<String, Setting> base = new LinkedHashMap<>(defaults);
    base.putAll(fixed);
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
      TrialSpec spec = build(name, settings, combination);
      trials.putIfAbsent(spec.trialId(), spec);
      for (int a = axes.size() - 1; a >= 0; a--) {
        if (++index[a] < axes.get(a).values().size()) {
          break;
        }
        index[a] = 0;
      }
    }
    return new Panel(name, description, new ArrayList<>(trials.values()));
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
      if (!checked.containsKey(key)) {
        TrialValidator.check(spec, values.keySet());
        checked.put(key, key);
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
      throw new GridException(file, PANELS + "." + panel, -1, message + note + where, e);
    }
  }

  private List<Axis> axes(ConfigValue value, String path, Map<String, Setting> fixed) {
    List<Axis> axes = new ArrayList<>();
    if (value == null) {
      return axes;
    }
    ConfigObject object = object(value, path);
    checkKeys(object, path, fieldsPlusSeeds(), " (axes are trial options; '" + SEEDS
        + "' is an alias of 'seed')");
    if (object.containsKey(SEEDS) && object.containsKey("seed")) {
      throw new GridException(file, path + "." + SEEDS, line(object.get(SEEDS)), "both 'seed' "
          + "and its alias 'seeds' are axes; allowed: one of them");
    }
    for (Map.Entry<String, ConfigValue> entry : inFileOrder(object)) {
      String key = entry.getKey();
      String field = key.equals(SEEDS) ? "seed" : key;
      String axisPath = path + "." + key;
      ConfigValue axisValue = entry.getValue();
      if (fixed.containsKey(field)) {
        throw new GridException(file, axisPath, line(axisValue), "'" + field + "' is both fixed "
            + "(" + fixed.get(field).path() + ", line " + fixed.get(field).line() + ") and an axis;"
            + " allowed: one of the two");
      }
      if (axisValue.valueType() != ConfigValueType.LIST) {
        throw new GridException(file, axisPath, line(axisValue), "an axis must be a list of "
            + kinds.get(field).text + " values, e.g. " + key + " = [" + unwrapExample(axisValue)
            + "]; to fix a single value use fixed { " + field + " = ... }");
      }
      ConfigList list = (ConfigList) axisValue;
      if (list.isEmpty()) {
        throw new GridException(file, axisPath, line(axisValue), "empty axis; allowed: a list of "
            + "at least one " + kinds.get(field).text.replaceFirst("^an? ", "") + " value");
      }
      List<Setting> values = new ArrayList<>();
      List<Object> seen = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        Setting setting = typed(field, list.get(i), axisPath + "[" + i + "]");
        if (seen.contains(setting.value())) {
          throw new GridException(file, setting.path(), setting.line(), "duplicate value "
              + setting.value() + " in axis '" + key + "'; allowed: distinct values");
        }
        seen.add(setting.value());
        values.add(setting);
      }
      axes.add(new Axis(field, axisPath, values));
    }
    return axes;
  }

  private static String unwrapExample(ConfigValue value) {
    Object v = value.unwrapped();
    return v == null ? "..." : v.toString();
  }

  private Map<String, Setting> settings(ConfigValue value, String path) {
    Map<String, Setting> settings = new LinkedHashMap<>();
    if (value == null) {
      return settings;
    }
    ConfigObject object = object(value, path);
    checkKeys(object, path, kinds.keySet(), " (trial options)");
    for (Map.Entry<String, ConfigValue> entry : inFileOrder(object)) {
      settings.put(entry.getKey(),
          typed(entry.getKey(), entry.getValue(), path + "." + entry.getKey()));
    }
    return settings;
  }

  private Setting typed(String field, ConfigValue value, String path) {
    Kind kind = kinds.get(field);
    Object raw = value.unwrapped();
    ConfigValueType type = value.valueType();
    boolean ok = switch (kind) {
      case INTEGER -> type == ConfigValueType.NUMBER && (raw instanceof Integer || raw instanceof Long);
      case NUMBER -> type == ConfigValueType.NUMBER;
      case BOOLEAN -> type == ConfigValueType.BOOLEAN;
      case STRING -> type == ConfigValueType.STRING;
      case NUMBER_OR_STRING -> type == ConfigValueType.NUMBER || type == ConfigValueType.STRING;
    };
    if (!ok) {
      String got = type == ConfigValueType.STRING ? "the string \"" + raw + "\""
          : type == ConfigValueType.LIST ? "a list" : type == ConfigValueType.OBJECT ? "an object"
          : type == ConfigValueType.NULL ? "null" : type.name().toLowerCase() + " " + raw;
      throw new GridException(file, path, line(value), "wrong type: got " + got
          + "; allowed: " + kind.text + allowedValues(field));
    }
    Object converted = kind == Kind.NUMBER ? (Object) ((Number) raw).doubleValue() : raw;
    return new Setting(converted, path, line(value));
  }

  private static String allowedValues(String field) {
    List<String> values = TrialSpec.options().get(field).choices();
    return values.isEmpty() ? "" : " (one of " + values + ")";
  }

  private void checkKeys(ConfigObject object, String path, java.util.Collection<String> allowed,
      String what) {
    for (Map.Entry<String, ConfigValue> entry : inFileOrder(object)) {
      String key = entry.getKey();
      if (!allowed.contains(key)) {
        String keyPath = path == null ? key : path + "." + key;
        String hint = nearest(key, allowed);
        throw new GridException(file, keyPath, line(entry.getValue()), "unknown key '" + key + "'"
            + (hint == null ? "" : " (did you mean '" + hint + "'?)") + "; allowed" + what + ": "
            + String.join(", ", new TreeSet<>(allowed)));
      }
    }
  }

  private String requiredString(ConfigObject object, String key, Pattern pattern, String allowed) {
    ConfigValue value = object.get(key);
    if (value == null) {
      throw new GridException(file, key, -1, "missing required key; allowed: " + allowed);
    }
    if (value.valueType() != ConfigValueType.STRING
        || !pattern.matcher((String) value.unwrapped()).matches()) {
      throw new GridException(file, key, line(value), "invalid value " + value.render()
          + "; allowed: " + allowed);
    }
    return (String) value.unwrapped();
  }

  private String optionalString(ConfigObject object, String key, String path) {
    ConfigValue value = object.get(key);
    if (value == null) {
      return "";
    }
    if (value.valueType() != ConfigValueType.STRING) {
      throw new GridException(file, path, line(value), "wrong type: got " + value.render()
          + "; allowed: a string");
    }
    return (String) value.unwrapped();
  }

  private ConfigObject object(ConfigValue value, String path) {
    if (value.valueType() != ConfigValueType.OBJECT) {
      throw new GridException(file, path, line(value), "wrong type: got "
          + value.valueType().name().toLowerCase() + " " + value.render()
          + "; allowed: an object { ... }");
    }
    return (ConfigObject) value;
  }

  private static int line(ConfigValue value) {
    return value == null || value.origin() == null ? -1 : value.origin().lineNumber();
  }

  /** Entries sorted by their line in the file (Typesafe Config objects are unordered). */
  private static List<Map.Entry<String, ConfigValue>> inFileOrder(ConfigObject object) {
    List<Map.Entry<String, ConfigValue>> entries = new ArrayList<>(object.entrySet());
    entries.sort(Comparator.<Map.Entry<String, ConfigValue>>comparingInt(e -> line(e.getValue()))
        .thenComparing(Map.Entry::getKey));
    return entries;
  }

  private Set<String> fieldsPlusSeeds() {
    Set<String> keys = new LinkedHashSet<>(kinds.keySet());
    keys.add(SEEDS);
    return keys;
  }

  /** The expected value kind of every trial option, from the spec's own defaults. */
  private static Map<String, Kind> kinds() {
    Map<String, Kind> kinds = new LinkedHashMap<>();
    TrialSpec.builder().build().toMap().forEach((field, value) -> kinds.put(field,
        NUMBER_OR_STRING.contains(field) ? Kind.NUMBER_OR_STRING
            : value instanceof Boolean ? Kind.BOOLEAN
            : value instanceof Integer || value instanceof Long ? Kind.INTEGER
            : value instanceof Number ? Kind.NUMBER : Kind.STRING));
    return kinds;
  }

  /** The allowed key closest to {@code key} (edit distance at most 3), or null. */
  private static String nearest(String key, java.util.Collection<String> allowed) {
    String best = null;
    int bestDistance = 4;
    for (String candidate : allowed) {
      int d = distance(key, candidate);
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    return best;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
