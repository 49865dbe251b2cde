package org.slicelab.spark.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/** The one-line JSON summary every subcommand prints last on stdout. */
public final class JsonLine {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonLine() {
  }

  /** Serialises {@code values} on one line. */
  public static String of(Map<String, ?> values) {
    try {
      return JSON.writeValueAsString(values);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code {"command":..., "status":"error", "error":...}}. */
  public static String error(String command, String message) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("command", command);
    out.put("status", "error");
    out.put("error", message);
    return of(out);
  }
}
