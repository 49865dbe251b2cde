package org.slicelab.spark.grid;

import static org.slicelab.spark.grid.GridFile.inFileOrder;
import static org.slicelab.spark.grid.GridFile.line;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slicelab.ablations.trial.TrialSpec;

/**
 * Trial options as the grid gives them: the blocks of single values ({@code defaults},
 * {@code fixed}) and the {@code axes} lists. Checks that every key is a trial option and every
 * value has the option's type (integers, numbers, booleans and strings are not converted into
 * each other; {@code position} takes a number or a string).
 */
final class TrialOptionValues {
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

  /** One axis: the option it sets and its values. */
  record Axis(String field, String path, List<Setting> values) {
  }

  private final GridFile file;
  private final Map<String, Kind> kinds = kinds();

  TrialOptionValues(GridFile file) {
    this.file = file;
  }

  /** A block of trial options ({@code defaults} or {@code fixed}); empty when absent. */
  Map<String, Setting> settings(ConfigValue value, String path) {
    Map<String, Setting> settings = new LinkedHashMap<>();
    if (value == null) {
      return settings;
    }
    ConfigObject object = file.object(value, path);
    file.checkKeys(object, path, kinds.keySet(), " (trial options)");
    for (Map.Entry<String, ConfigValue> entry : inFileOrder(object)) {
      settings.put(entry.getKey(),
          typed(entry.getKey(), entry.getValue(), path + "." + entry.getKey()));
    }
    return settings;
  }

  /** A panel's axes in file order; none when absent. No option may be both fixed and an axis. */
  List<Axis> axes(ConfigValue value, String path, Map<String, Setting> fixed) {
    List<Axis> axes = new ArrayList<>();
    if (value == null) {
      return axes;
    }
    ConfigObject object = file.object(value, path);
    file.checkKeys(object, path, fieldsPlusSeeds(), " (axes are trial options; '"
        + GridLoader.SEEDS + "' is an alias of 'seed')");
    if (object.containsKey(GridLoader.SEEDS) && object.containsKey("seed")) {
      throw new GridException(file.path(), path + "." + GridLoader.SEEDS,
          line(object.get(GridLoader.SEEDS)), "both 'seed' and its alias 'seeds' are axes;"
          + " allowed: one of them");
    }
    for (Map.Entry<String, ConfigValue> entry : inFileOrder(object)) {
      String key = entry.getKey();
      String field = key.equals(GridLoader.SEEDS) ? "seed" : key;
      axes.add(axis(key, field, path + "." + key, entry.getValue(), fixed));
    }
    return axes;
  }

  private Axis axis(String key, String field, String axisPath, ConfigValue axisValue,
      Map<String, Setting> fixed) {
    if (fixed.containsKey(field)) {
      throw new GridException(file.path(), axisPath, line(axisValue), "'" + field + "' is both"
          + " fixed (" + fixed.get(field).path() + ", line " + fixed.get(field).line() + ") and"
          + " an axis; allowed: one of the two");
    }
    if (axisValue.valueType() != ConfigValueType.LIST) {
      throw new GridException(file.path(), axisPath, line(axisValue), "an axis must be a list of "
          + kinds.get(field).text + " values, e.g. " + key + " = [" + unwrapExample(axisValue)
          + "]; to fix a single value use fixed { " + field + " = ... }");
    }
    ConfigList list = (ConfigList) axisValue;
    if (list.isEmpty()) {
      throw new GridException(file.path(), axisPath, line(axisValue), "empty axis; allowed: a"
          + " list of at least one " + kinds.get(field).text.replaceFirst("^an? ", "") + " value");
    }
    List<Setting> values = new ArrayList<>();
    List<Object> seen = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Setting setting = typed(field, list.get(i), axisPath + "[" + i + "]");
      if (seen.contains(setting.value())) {
        throw new GridException(file.path(), setting.path(), setting.line(), "duplicate value "
            + setting.value() + " in axis '" + key + "'; allowed: distinct values");
      }
      seen.add(setting.value());
      values.add(setting);
    }
    return new Axis(field, axisPath, values);
  }

  private static String unwrapExample(ConfigValue value) {
    Object v = value.unwrapped();
    return v == null ? "..." : v.toString();
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
      throw new GridException(file.path(), path, line(value), "wrong type: got " + got
          + "; allowed: " + kind.text + allowedValues(field));
    }
    Object converted = kind == Kind.NUMBER ? (Object) ((Number) raw).doubleValue() : raw;
    return new Setting(converted, path, line(value));
  }

  private static String allowedValues(String field) {
    List<String> values = TrialSpec.options().get(field).choices();
    return values.isEmpty() ? "" : " (one of " + values + ")";
  }

  private Set<String> fieldsPlusSeeds() {
    Set<String> keys = new LinkedHashSet<>(kinds.keySet());
    keys.add(GridLoader.SEEDS);
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
}
