package org.slicelab.spark.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The verdicts a sequential run has reached, kept from the look that reached them on: a claim
 * decided at one look is not judged again at later looks, per margin. (Later looks add seeds to
 * configurations that a decided claim may share with an open one, e.g. the ranks of rise and
 * decline; re-judging would look at the decided claim more often than the design's error rate
 * allows for.) The sequential design file stores them ({@code sequential.json}).
 *
 * @param byKey the first decided verdict per {@link #key}
 */
public record FrozenVerdicts(Map<String, Frozen> byKey) {
  /** No verdict reached yet (a plain report). */
  public static final FrozenVerdicts NONE = new FrozenVerdicts(Map.of());

  /**
   * A verdict and the numbers it was reached on.
   *
   * @param verdict reproduced or not reproduced
   * @param look the look that reached it (1-based)
   * @param observed the deciding statistic then (points)
   * @param low lower end of its interval then
   * @param high upper end of its interval then
   * @param level two-sided level of that interval
   * @param n seeds then
   */
  public record Frozen(String verdict, int look, double observed, double low, double high,
      double level, int n) {
  }

  /** Copies. */
  public FrozenVerdicts {
    byKey = new LinkedHashMap<>(byKey);
  }

  /** The key of a claim of a (backbone, dataset) pair at a margin, e.g. {@code ...__.../fig2c@1}. */
  static String key(Combination pair, String claimId, double margin) {
    return pair.slug() + "/" + claimId + "@" + ClaimText.fmt(margin);
  }

  /**
   * The claims with the verdicts frozen at looks up to {@code settings.look()} put in place of
   * what this look's seeds give; the detail says both.
   */
  List<Claim> apply(Combination pair, List<Claim> claims, ClaimSettings settings) {
    List<Claim> out = new ArrayList<>();
    for (Claim c : claims) {
      Frozen main = at(key(pair, c.id(), settings.margin()), settings.look());
      Frozen wide = at(key(pair, c.id(), ClaimSettings.WIDE_MARGIN), settings.look());
      if (main == null && wide == null) {
        out.add(c);
        continue;
      }
      String note = (main == null ? "" : "verdict `" + main.verdict() + "` frozen since look "
          + main.look() + " (observed " + ClaimText.pts(main.observed()) + " [" + ClaimText.pts(
          main.low()) + ", " + ClaimText.pts(main.high()) + "], n=" + main.n() + "); ")
          + (wide == null ? "" : "verdict at ±" + ClaimText.fmt(ClaimSettings.WIDE_MARGIN)
          + " `" + wide.verdict() + "` frozen since look " + wide.look() + "; ")
          + "a verdict once reached is kept; this look's seeds alone give `" + c.verdict()
          + "` (±" + ClaimText.fmt(ClaimSettings.WIDE_MARGIN) + ": `" + c.verdictWide()
          + "`, observed " + ClaimText.pts(c.observed()) + ", n=" + c.n() + "); ";
      out.add(main == null
          ? new Claim(c.id(), c.claim(), c.table(), c.metric(), c.statistic(), c.observed(),
              c.ciLow(), c.ciHigh(), c.level(), c.threshold(), c.thresholdValue(), c.n(),
              c.verdict(), wide.verdict(), c.atPointEstimate(), c.seedsNeeded(), c.collapses(),
              note + c.detail(), c.trialIds())
          : new Claim(c.id(), c.claim(), c.table(), c.metric(), c.statistic() + " at look "
              + main.look(), main.observed(), main.low(), main.high(), main.level(),
              c.threshold(), c.thresholdValue(), main.n(), main.verdict(),
              wide == null ? c.verdictWide() : wide.verdict(), c.atPointEstimate(), 0,
              c.collapses(), note + c.detail(), c.trialIds()));
    }
    return out;
  }

  private Frozen at(String key, int look) {
    Frozen f = byKey.get(key);
    return f != null && f.look() <= look ? f : null;
  }

  /** These verdicts plus those first reached by the claims of {@code combos} at this look. */
  public FrozenVerdicts with(List<CombinationReport> combos, ClaimSettings settings) {
    Map<String, Frozen> out = new LinkedHashMap<>(byKey);
    for (CombinationReport combo : combos) {
      for (Claim c : combo.claims()) {
        if (c.decided()) {
          out.putIfAbsent(key(combo.combination(), c.id(), settings.margin()), new Frozen(
              c.verdict(), settings.look(), c.observed(), c.ciLow(), c.ciHigh(), c.level(),
              c.n()));
        }
        if (!c.verdictWide().equals(Claim.INCONCLUSIVE)) {
          out.putIfAbsent(key(combo.combination(), c.id(), ClaimSettings.WIDE_MARGIN),
              new Frozen(c.verdictWide(), settings.look(), Double.NaN, Double.NaN, Double.NaN,
                  Double.NaN, c.n()));
        }
      }
    }
    return new FrozenVerdicts(out);
  }

  /** As JSON values (non-finite numbers as strings). */
  public Map<String, Object> toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    byKey.forEach((k, f) -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("verdict", f.verdict());
      m.put("look", f.look());
      m.put("observed", number(f.observed()));
      m.put("ci_low", number(f.low()));
      m.put("ci_high", number(f.high()));
      m.put("level", number(f.level()));
      m.put("n", f.n());
      out.put(k, m);
    });
    return out;
  }

  /** From {@link #toJson()}'s form (null: none). */
  public static FrozenVerdicts fromJson(Map<?, ?> json) {
    if (json == null) {
      return NONE;
    }
    Map<String, Frozen> out = new LinkedHashMap<>();
    json.forEach((k, v) -> {
      Map<?, ?> m = (Map<?, ?>) v;
      out.put((String) k, new Frozen((String) m.get("verdict"),
          ((Number) m.get("look")).intValue(), real(m.get("observed")), real(m.get("ci_low")),
          real(m.get("ci_high")), real(m.get("level")), ((Number) m.get("n")).intValue()));
    });
    return new FrozenVerdicts(out);
  }

  private static Object number(double v) {
    return Double.isFinite(v) ? v : Double.toString(v);
  }

  private static double real(Object v) {
    return v instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(v));
  }
}
