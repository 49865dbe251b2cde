package org.slicelab.spark.results;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slicelab.ablations.trial.Provenance;

/**
 * The run that owns a results directory, as its lock file ({@link RunLock}) records it.
 *
 * @param token random id of the owning run (tells its own lock file from another's)
 * @param host host name of the run's driver
 * @param pid process id of the run's driver
 * @param processStarted when that process started (tells a reused pid from the owner); null
 *     when unknown
 * @param started when the run took the directory
 * @param user the OS user
 * @param command the command line
 */
public record RunOwner(String token, String host, long pid, Instant processStarted,
    Instant started, String user, String command) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** This process as the owner of a run of {@code command} starting at {@code now}. */
  public static RunOwner current(String command, Instant now) {
    ProcessHandle self = ProcessHandle.current();
    return new RunOwner(UUID.randomUUID().toString(), Provenance.host(), self.pid(),
        self.info().startInstant().orElse(null), now.truncatedTo(ChronoUnit.SECONDS),
        System.getProperty("user.name", "?"), command);
  }

  /** The lock file's content: one JSON object. */
  public byte[] toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("token", token);
    m.put("host", host);
    m.put("pid", pid);
    m.put("process_started", processStarted == null ? null : processStarted.toString());
    m.put("started", started.toString());
    m.put("user", user);
    m.put("command", command);
    try {
      return JSON.writeValueAsBytes(m);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Parses a lock file's content; null when it is not a complete owner record (a lock file
   * still being written, or damaged).
   */
  public static RunOwner parse(byte[] json) {
    try {
      Map<?, ?> m = JSON.readValue(json, Map.class);
      Object processStarted = m.get("process_started");
      return new RunOwner((String) m.get("token"), (String) m.get("host"),
          ((Number) m.get("pid")).longValue(),
          processStarted == null ? null : Instant.parse((String) processStarted),
          Instant.parse((String) m.get("started")), (String) m.get("user"),
          (String) m.get("command"));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** E.g. {@code pid 4242 on host n1 (user ann), started 2026-12-08T10:00:00Z: slicelab ...}. */
  public String describe() {
    return "pid " + pid + " on host " + host + " (user " + user + "), started " + started + ": "
        + command;
  }
}
