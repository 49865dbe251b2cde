package org.slicelab.spark.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slicelab.spark.report.Pairing.Collapses;
import org.slicelab.spark.report.Pairing.Paired;
import org.slicelab.spark.stats.PairedEstimate;

/** How the claims put numbers and comparisons into words (shared by the claim rules). */
final class ClaimText {
  private ClaimText() {
  }

  /** A comparison: its mean, one-sided bounds at {@code alpha}, seeds and variance parts. */
  static String describe(Paired c, double alpha) {
    if (c.n() == 0) {
      return c.label() + ": no paired seeds";
    }
    PairedEstimate e = c.estimate();
    String base = c.label() + " = " + pts(e.mean());
    if (!e.hasInterval()) {
      return base + " (n=1" + (c.crossed() || e.examples() > 0 ? ", test-set sd "
          + String.format(Locale.ROOT, "%.2f", Math.sqrt(e.floor())) : "") + ")";
    }
    String parts = c.crossed() ? String.format(Locale.ROOT, ", sd per seed %.2f, test-set sd "
        + "%.2f, df %.1f", Math.sqrt(e.perSeed()), Math.sqrt(e.floor()), e.df())
        : String.format(Locale.ROOT, ", seeds only (no per-example predictions), df %.0f",
        e.df());
    return base + " [" + pts(e.lower(alpha)) + ", " + pts(e.upper(alpha)) + "] n="
        + c.n() + parts;
  }

  /**
   * Notes on refused seeds and collapses of the comparisons, and where their variance comes
   * from. {@code discordantMeaning} says what a collapse in one arm only means for the rule
   * (used when collapses are set aside).
   */
  static String pairNotes(List<Paired> pairs, String discordantMeaning) {
    Set<String> notes = new LinkedHashSet<>();
    for (Paired p : pairs) {
      List<Long> one = new ArrayList<>(p.collapsedA());
      one.addAll(p.collapsedB());
      if (p.collapses() == Collapses.INCLUDED) {
        List<Long> all = new ArrayList<>(one);
        all.addAll(p.collapsedBoth());
        if (!all.isEmpty()) {
          notes.add(p.label() + ": seeds " + all.stream().sorted().toList() + " include a run "
              + "that collapsed to one class (entered with its measured accuracy)");
        }
      } else {
        if (!one.isEmpty()) {
          notes.add(p.label() + ": seeds " + one.stream().sorted().toList() + " collapsed in "
              + "one arm only (" + discordantMeaning + ")");
        }
        if (!p.collapsedBoth().isEmpty()) {
          notes.add(p.label() + ": seeds " + p.collapsedBoth() + " collapsed in both arms: "
              + "dropped");
        }
      }
      for (String r : p.refused()) {
        notes.add(p.label() + ": refused to pair " + r);
      }
    }
    boolean crossed = pairs.stream().allMatch(Paired::crossed);
    return (notes.isEmpty() ? "" : String.join("; ", notes) + "; ") + (crossed
        ? "variance from seeds and test examples (crossed); "
        : "variance from seeds only (some trials have no per-example predictions); ");
  }

  /** The per-seed differences, e.g. {@code 1:+2.10 2:-0.40}. */
  static String perSeed(List<Long> seeds, double[] values) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      parts.add(seeds.get(i) + ":" + pts(values[i]));
    }
    return String.join(" ", parts);
  }

  /** The note for a claim on a single paired seed ("" with more). */
  static String oneSeedNote(int n) {
    return n < 2 ? "; one paired seed: the seeds' variance is unknown, so no verdict beyond "
        + "inconclusive; seeds_needed assumes a seed sd of " + fmt(ClaimSettings.ASSUMED_SEED_SD)
        + " points" : "";
  }

  /** Collapsed runs per configuration, e.g. {@code 128: 1/3 seeds [2]}. */
  static String collapses(List<PanelPoint> points) {
    List<String> parts = new ArrayList<>();
    for (PanelPoint p : points) {
      int c = p.collapsedSeeds().size();
      if (c > 0) {
        parts.add(p.xLabel() + ": " + c + "/" + p.trialsBySeed().size() + " seeds "
            + p.collapsedSeeds());
      }
    }
    return String.join("; ", parts);
  }

  /** A two-sided level in percent, e.g. {@code 98.33%}. */
  static String pctLevel(double level) {
    return trimNumber(String.format(Locale.ROOT, "%.2f", level * 100)) + "%";
  }

  private static String trimNumber(String s) {
    return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
  }

  /** Points with a sign, e.g. {@code +1.25}; {@code +inf}, {@code -inf}, {@code NaN}. */
  static String pts(double v) {
    return Double.isNaN(v) ? "NaN" : Double.isInfinite(v) ? (v > 0 ? "+inf" : "-inf")
        : String.format(Locale.ROOT, "%+.2f", v);
  }

  /** A number with at most 3 decimals, trailing zeros dropped. */
  static String fmt(double v) {
    String s = String.format(Locale.ROOT, "%.3f", v);
    return s.replaceAll("0+$", "").replaceAll("\\.$", "");
  }

  /** A p-value or error rate with 3 significant digits. */
  static String p(double v) {
    return String.format(Locale.ROOT, "%.3g", v);
  }
}
