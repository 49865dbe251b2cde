package org.slicelab.spark.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The Figure 2 panels the report knows, how a grid panel maps onto them, and how the {@code ok}
 * trials of a panel become points (x, series) with one value per seed.
 *
 * <h2>Which grid panels feed which table</h2>
 * A grid panel named {@code K}, {@code K_anything} or {@code K-anything} feeds the table
 * {@code figure2_K}, for K in {@code rank, position, wanda, lth, sift, reference}. So the
 * baselines can be split into {@code reference_head}, {@code reference_full},
 * {@code reference_lora} (each with its own learning rate) and still form one reference table.
 * Panels with other names are ignored by the tables (their failures still count).
 *
 * <h2>x and series</h2>
 * Each table has an x field ({@link Def#xField}). The <em>series</em> of a point is made of the
 * spec fields (other than x and {@code seed}) that take more than one value among trials with the
 * same x, e.g. {@code mode} (row / column) in the position panel. Fields that change only
 * together with x (such as the learning rate of each reference method) do not split series.
 * Without such a field the series is the method.
 */
public final class Figure2Panels {
  /** (a) slice rank. */
  public static final String RANK = "rank";
  /** (b) slice position. */
  public static final String POSITION = "position";
  /** (c) Wanda importance category. */
  public static final String WANDA = "wanda";
  /** (d) lottery-ticket good / bad. */
  public static final String LTH = "lth";
  /** (e) SIFT top-x%. */
  public static final String SIFT = "sift";
  /** Reference methods: head-only, full fine-tuning, LoRA. */
  public static final String REFERENCE = "reference";
  /** Prefix of the report's Parquet tables and PNG files. */
  public static final String TABLE_PREFIX = "figure2_";

  /**
   * One table of the report.
   *
   * @param key short name ({@code rank}, ...)
   * @param letter panel letter in the figure, e.g. {@code (a)}
   * @param title chart title
   * @param xField spec field on the x axis
   * @param numeric whether x is numeric (else categorical)
   * @param logX log-scale x axis
   * @param xAxisTitle x axis title
   * @param categoryOrder preferred order of categorical labels (others follow, sorted)
   */
  public record Def(String key, String letter, String title, String xField, boolean numeric,
      boolean logX, String xAxisTitle, List<String> categoryOrder) {
    /** The Parquet table / PNG base name, e.g. {@code figure2_rank}. */
    public String table() {
      return TABLE_PREFIX + key;
    }
  }

  /** The tables, in figure order. */
  public static final List<Def> DEFS = List.of(
      new Def(RANK, "(a)", "(a) slice rank", "rank", true, true, "slice rank r (log scale)",
          List.of()),
      new Def(POSITION, "(b)", "(b) slice position (rank 5)", "position", true, false,
          "slice start (fraction of the dimension)", List.of()),
      new Def(WANDA, "(c)", "(c) Wanda importance (rank 5)", "selector", false, false,
          "Wanda category of the slice", List.of("most", "least", "mixed", "random")),
      new Def(LTH, "(d)", "(d) lottery-ticket slices (rank 5)", "selector", false, false,
          "lottery-ticket mask", List.of("good", "bad")),
      new Def(SIFT, "(e)", "(e) SIFT top-x%", "sift_rate", true, true,
          "top-x % of each tensor (log scale)", List.of()),
      new Def(REFERENCE, "", "reference methods", "method", false, false, "method",
          List.of("head", "full", "lora")));

  private Figure2Panels() {
  }

  /** The definition of a table key. */
  public static Def def(String key) {
    return DEFS.stream().filter(d -> d.key().equals(key)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown Figure 2 table " + key));
  }

  /** The table key a grid panel feeds, or null when it feeds none. */
  public static String tableOf(String panel) {
    for (Def d : DEFS) {
      String k = d.key();
      if (panel.equals(k) || panel.startsWith(k + "_") || panel.startsWith(k + "-")) {
        return k;
      }
    }
    return null;
  }

  /** The categorical label of a trial on a table's x axis. */
  static String categoryLabel(Def def, TrialPoint p) {
    String v = p.field(def.xField());
    return switch (def.key()) {
      case WANDA -> v.startsWith("wanda:") ? v.substring("wanda:".length())
          : v.replace("wanda-window:", "window ");
      case LTH -> v.startsWith("lth:") ? v.substring("lth:".length()) : v;
      case REFERENCE -> v.equals("lora") ? "lora r=" + p.field("rank") : v;
      default -> v;
    };
  }

  /** The numeric x of a trial ({@code NaN} for categorical tables). */
  static double numericX(Def def, TrialPoint p) {
    if (!def.numeric()) {
      return Double.NaN;
    }
    try {
      return Double.parseDouble(p.field(def.xField()));
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /** The label of a numeric x. */
  static String numericLabel(Def def, double x) {
    if (def.key().equals(SIFT)) {
      return trim(String.format(Locale.ROOT, "%.3f", x * 100)) + "%";
    }
    if (x == Math.rint(x) && Math.abs(x) < 1e15) {
      return Long.toString((long) x);
    }
    return trim(String.format(Locale.ROOT, "%.4f", x));
  }

  private static String trim(String s) {
    return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
  }

  /**
   * Groups the {@code ok} trials of each table into points, sorted by series and x.
   *
   * @return points by table key (every key of {@link #DEFS} is present, possibly empty)
   */
  public static Map<String, List<PanelPoint>> aggregate(List<TrialPoint> trials) {
    Map<String, List<PanelPoint>> out = new LinkedHashMap<>();
    for (Def def : DEFS) {
      List<TrialPoint> mine = new ArrayList<>();
      Set<String> seen = new TreeSet<>();
      for (TrialPoint t : trials) {
        // a trial recorded under two panels of the same table counts once
        if (def.key().equals(t.table()) && seen.add(t.trialId())) {
          mine.add(t);
        }
      }
      out.put(def.key(), points(def, mine));
    }
    return out;
  }

  private static List<PanelPoint> points(Def def, List<TrialPoint> trials) {
    if (trials.isEmpty()) {
      return List.of();
    }
    List<String> seriesFields = seriesFields(def, trials);
    Map<List<String>, List<TrialPoint>> groups = new LinkedHashMap<>();
    Map<List<String>, String> seriesOf = new HashMap<>();
    for (TrialPoint t : trials) {
      String series = seriesLabel(def, seriesFields, t);
      String label = def.numeric() ? numericLabel(def, numericX(def, t)) : categoryLabel(def, t);
      List<String> key = List.of(series, label);
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(t);
      seriesOf.put(key, series);
    }
    // x order: numeric by value, categorical by the preferred order, then alphabetically
    Map<String, Double> xByLabel = new HashMap<>();
    groups.forEach((key, ts) -> xByLabel.put(key.get(1), numericX(def, ts.get(0))));
    List<String> labels = new ArrayList<>(new TreeSet<>(xByLabel.keySet()));
    Comparator<String> order = def.numeric()
        ? Comparator.comparingDouble((String l) -> xByLabel.get(l)).thenComparing(l -> l)
        : Comparator.comparingInt((String l) -> {
          int i = def.categoryOrder().indexOf(l.startsWith("lora") ? "lora" : l);
          return i < 0 ? Integer.MAX_VALUE : i;
        }).thenComparing(l -> l);
    labels.sort(order);

    List<PanelPoint> points = new ArrayList<>();
    for (Map.Entry<List<String>, List<TrialPoint>> e : groups.entrySet()) {
      List<TrialPoint> ts = e.getValue();
      TreeMap<Long, Double> test = new TreeMap<>();
      TreeMap<Long, Double> val = new TreeMap<>();
      TreeMap<Long, TrialPoint> bySeed = new TreeMap<>();
      long paramsSum = 0;
      int paramsN = 0;
      double secondsSum = 0;
      int secondsN = 0;
      List<String> ids = new ArrayList<>();
      for (TrialPoint t : ts) {
        ids.add(t.trialId());
        bySeed.put(t.seed(), t);
        if (!Double.isNaN(t.testAcc())) {
          test.put(t.seed(), t.testAcc());
        }
        if (!Double.isNaN(t.valAcc())) {
          val.put(t.seed(), t.valAcc());
        }
        if (t.trainableParams() >= 0) {
          paramsSum += t.trainableParams();
          paramsN++;
        }
        if (!Double.isNaN(t.trainSeconds())) {
          secondsSum += t.trainSeconds();
          secondsN++;
        }
      }
      String label = e.getKey().get(1);
      TrialPoint first = ts.get(0);
      points.add(new PanelPoint(def.key(), seriesOf.get(e.getKey()), numericX(def, first), label,
          labels.indexOf(label), first.field("method"), test, val,
          paramsN == 0 ? -1 : Math.round((double) paramsSum / paramsN),
          secondsN == 0 ? Double.NaN : secondsSum / secondsN, ids, bySeed));
    }
    points.sort(Comparator.comparing(PanelPoint::series).thenComparingInt(PanelPoint::xOrder));
    return points;
  }

  /**
   * Spec fields (other than x and seed) taking several values among trials with the same x.
   */
  static List<String> seriesFields(Def def, List<TrialPoint> trials) {
    Map<String, List<TrialPoint>> byX = new LinkedHashMap<>();
    for (TrialPoint t : trials) {
      byX.computeIfAbsent(t.field(def.xField()), k -> new ArrayList<>()).add(t);
    }
    Set<String> fields = new TreeSet<>();
    for (List<TrialPoint> group : byX.values()) {
      TrialPoint first = group.get(0);
      for (String f : first.spec().keySet()) {
        if (f.equals("seed") || f.equals(def.xField())) {
          continue;
        }
        for (TrialPoint t : group) {
          if (!Objects.equals(first.field(f), t.field(f))) {
            fields.add(f);
            break;
          }
        }
      }
    }
    return new ArrayList<>(fields);
  }

  private static String seriesLabel(Def def, List<String> fields, TrialPoint t) {
    if (fields.isEmpty()) {
      return def.key().equals(REFERENCE) ? REFERENCE : t.field("method");
    }
    if (fields.size() == 1) {
      return t.field(fields.get(0));
    }
    List<String> parts = new ArrayList<>();
    fields.forEach(f -> parts.add(f + "=" + t.field(f)));
    return String.join(" ", parts);
  }
}
