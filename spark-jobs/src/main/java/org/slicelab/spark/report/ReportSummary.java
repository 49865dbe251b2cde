package org.slicelab.spark.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a report run, printed as the final JSON line.
 *
 * @param grid grid reported on
 * @param statusCounts latest status per distinct trial (ok, failed, diverged, timeout, missing)
 * @param attempts attempts recorded for the grid's trials
 * @param points points per {@code figure2_*} table
 * @param verdicts claims per verdict
 * @param claims the claims of every (backbone, dataset) pair
 * @param combinations the findings per (backbone, dataset) pair, in report order
 * @param dir report directory
 * @param reportMd the Markdown report
 * @param figures PNG files
 * @param tables Parquet tables written under {@code dir}
 * @param seconds wall time
 */
public record ReportSummary(String grid, Map<String, Long> statusCounts, long attempts,
    Map<String, Integer> points, Map<String, Integer> verdicts, List<Claim> claims, List<CombinationReport> combinations,
    Path dir,
    Path reportMd, List<Path> figures, List<String> tables, double seconds) {

  /** Ordered map for the JSON line. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("command", "report");
    m.put("grid", grid);
    m.put("trials", statusCounts.values().stream().mapToLong(Long::longValue).sum());
    statusCounts.forEach(m::put);
    m.put("attempts", attempts);
    m.put("points", points);
    m.put("claims", verdicts);
    if (combinations.size() > 1) {
      // several pairs: verdicts per pair (claim ids repeat across pairs)
      Map<String, Map<String, String>> byPair = new LinkedHashMap<>();
      for (CombinationReport c : combinations) {
        Map<String, String> byClaim = new LinkedHashMap<>();
        c.claims().forEach(claim -> byClaim.put(claim.id(), claim.verdict()));
        byPair.put(c.combination().label(), byClaim);
      }
      m.put("universality", byPair);
    } else {
      Map<String, String> byClaim = new LinkedHashMap<>();
      claims.forEach(c -> byClaim.put(c.id(), c.verdict()));
      m.put("verdicts", byClaim);
    }
    m.put("report_dir", dir.toString());
    m.put("report_md", reportMd.toString());
    List<String> pngs = new ArrayList<>();
    figures.forEach(f -> pngs.add(f.toString()));
    m.put("figures", pngs);
    List<String> t = new ArrayList<>();
    tables.forEach(name -> t.add(dir.resolve(name).toString()));
    m.put("tables", t);
    m.put("seconds", Math.round(seconds * 1000) / 1000.0);
    return m;
  }
}
