package org.slicelab.ablations.premises;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The findings of one premises run in a few numbers per init (pretrained, random): how many
 * (matrix, axis, rank) cases are less / as / more balanced than the Gaussian null, the median
 * balance index against the null's median, the median k holding 90% of between-class scatter
 * (and the variance share there), and the spread of step-0 slice gradient shares relative to the
 * parameter share. {@link #markdown} writes {@code PREMISES.md}.
 */
public final class PremisesSummary {
  private PremisesSummary() {
  }

  /** The summary numbers by init, then by name. */
  public static Map<String, Map<String, Object>> of(PremisesTables tables) {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    for (String init : PremisesRun.INITS) {
      Predicate<Map<String, Object>> mine = r -> init.equals(r.get("init"));
      Map<String, Object> s = new LinkedHashMap<>();
      List<Map<String, Object>> balance = tables.balance.stream().filter(mine).toList();
      Map<String, Long> verdicts = new TreeMap<>();
      balance.forEach(r -> verdicts.merge((String) r.get("verdict"), 1L, Long::sum));
      s.put("balance_cases", balance.size());
      s.put("balance_verdicts", verdicts);
      s.put("energy_cv_median", median(balance, "energy_cv"));
      s.put("null_energy_cv_median", median(balance, "null_energy_cv_median"));
      s.put("spectral_distance_median", median(balance, "spectral_distance"));
      s.put("null_spectral_distance_median", median(balance, "null_spectral_distance_median"));
      List<Map<String, Object>> energy = tables.taskEnergy.stream().filter(mine)
          .filter(r -> r.get("k").equals(r.get("dimension"))).toList();
      s.put("task_energy_layers", energy.size());
      s.put("k90_median", median(energy, "k90"));
      s.put("dimension_median", median(energy, "dimension"));
      s.put("variance_share_at_k90_median", median(energy, "variance_share_at_k90"));
      List<Map<String, Object>> gradient = tables.sliceGradientEnergy.stream().filter(mine)
          .toList();
      s.put("gradient_slices", gradient.size());
      s.put("gradient_ratio_min", quantile(gradient, "ratio", 0));
      s.put("gradient_ratio_median", median(gradient, "ratio"));
      s.put("gradient_ratio_max", quantile(gradient, "ratio", 1));
      s.put("gradient_share_zero", gradient.stream()
          .filter(r -> ((Double) r.get("gradient_share")) == 0.0).count());
      out.put(init, s);
    }
    return out;
  }

  /** {@code PREMISES.md}: the definitions in brief and the summary table. */
  public static String markdown(PremisesTables tables, Map<String, Object> about) {
    Map<String, Map<String, Object>> summary = of(tables);
    StringBuilder md = new StringBuilder("# Premises of the slice hypothesis\n\n");
    about.forEach((k, v) -> md.append("- ").append(k).append(": `").append(v).append("`\n"));
    md.append("\nDefinitions: docs/premises.md. Balance verdicts compare each (matrix, axis, rank)"
        + " with i.i.d. Gaussian matrices of its shape: \"less balanced\" when either index is"
        + " at or above the null's 95th percentile, \"more balanced\" when both are at or below"
        + " its 5th.\n\n| measure | pretrained | random init |\n| --- | --- | --- |\n");
    List<String> keys = new ArrayList<>(summary.get("pretrained").keySet());
    for (String key : keys) {
      md.append("| ").append(key).append(" | ").append(format(summary.get("pretrained").get(key)))
          .append(" | ").append(format(summary.get("random").get(key))).append(" |\n");
    }
    return md.toString();
  }

  private static String format(Object v) {
    return v instanceof Double d ? String.format(Locale.ROOT, "%.4g", d) : String.valueOf(v);
  }

  private static double median(List<Map<String, Object>> rows, String column) {
    return quantile(rows, column, 0.5);
  }

  private static double quantile(List<Map<String, Object>> rows, String column, double q) {
    double[] v = rows.stream().mapToDouble(r -> ((Number) r.get(column)).doubleValue())
        .filter(x -> !Double.isNaN(x)).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    double pos = q * (v.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = (int) Math.ceil(pos);
    return v[lo] + (v[hi] - v[lo]) * (pos - lo);
  }
}
