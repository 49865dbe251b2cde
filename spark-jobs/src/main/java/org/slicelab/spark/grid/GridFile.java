package org.slicelab.spark.grid;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.commons.text.similarity.LevenshteinDistance;

/**
 * The grid file as HOCON (Typesafe Config): parses it and reads its structure (objects, known
 * keys, strings) with errors that name the file, the key path, the line and what is allowed.
 */
final class GridFile {
  /** Unknown keys within this edit distance of an allowed one get a "did you mean" hint. */
  private static final LevenshteinDistance HINT_DISTANCE = new LevenshteinDistance(3);

  private final Path file;

  GridFile(Path file) {
    this.file = file;
  }

  /** The file's path, for errors. */
  Path path() {
    return file;
  }

  /** Parses and resolves the file; the root object. */
  ConfigObject parse() {
    if (!Files.exists(file)) {
      throw new GridException(file, null, -1, "file not found (working directory "
          + Path.of("").toAbsolutePath() + ")");
    }
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new GridException(file, null, -1, "not a readable regular file");
    }
    try {
      return ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults()
          .setAllowMissing(false).setSyntax(ConfigSyntax.CONF)).resolve().root();
    } catch (ConfigException e) {
      int line = e.origin() == null ? -1 : e.origin().lineNumber();
      throw new GridException(file, null, line, "not valid HOCON: " + e.getMessage(), e);
    }
  }

  /** Rejects any key of {@code object} not in {@code allowed}, with the nearest allowed key. */
  void checkKeys(ConfigObject object, String path, Collection<String> allowed, String what) {
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

  /** A top-level string that must be present and match {@code pattern}. */
  String requiredString(ConfigObject object, String key, Pattern pattern, String allowed) {
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

  /** A string that may be absent (then empty). */
  String optionalString(ConfigObject object, String key, String path) {
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

  /** {@code value} as an object { ... }. */
  ConfigObject object(ConfigValue value, String path) {
    if (value.valueType() != ConfigValueType.OBJECT) {
      throw new GridException(file, path, line(value), "wrong type: got "
          + value.valueType().name().toLowerCase() + " " + value.render()
          + "; allowed: an object { ... }");
    }
    return (ConfigObject) value;
  }

  /** The line {@code value} stands on, or -1. */
  static int line(ConfigValue value) {
    return value == null || value.origin() == null ? -1 : value.origin().lineNumber();
  }

  /** Entries sorted by their line in the file (Typesafe Config objects are unordered). */
  static List<Map.Entry<String, ConfigValue>> inFileOrder(ConfigObject object) {
    List<Map.Entry<String, ConfigValue>> entries = new ArrayList<>(object.entrySet());
    entries.sort(Comparator.<Map.Entry<String, ConfigValue>>comparingInt(e -> line(e.getValue()))
        .thenComparing(Map.Entry::getKey));
    return entries;
  }

  /** The allowed key closest to {@code key} (edit distance at most 3; the first on ties), or null. */
  private static String nearest(String key, Collection<String> allowed) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : allowed) {
      int d = HINT_DISTANCE.apply(key, candidate);
      if (d >= 0 && d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    return best;
  }
}
