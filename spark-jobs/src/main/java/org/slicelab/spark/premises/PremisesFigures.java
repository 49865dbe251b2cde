package org.slicelab.spark.premises;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.math3.stat.descriptive.rank.Median;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.slicelab.spark.report.Figures;

/**
 * The figures of one pair's premises, drawn from its tables (XChart, like the report's figures):
 * <ul>
 *   <li>{@value #BALANCE}: the balance index (coefficient of variation of slice energy) of every
 *       targeted matrix in model order, row slices at the middle rank, pretrained and random
 *       init, with the Gaussian null's median for each matrix's shape;
 *   <li>{@value #SPECTRA}: the normalised singular values of every row slice of one matrix
 *       (the first targeted one, at the largest rank) overlaid, pretrained and random init;
 *   <li>{@value #TASK_ENERGY}: the share of the between-class scatter (and of the variance)
 *       that the top-k principal directions of a layer's input hold, the median over layers,
 *       against k, pretrained and random init.
 * </ul>
 */
final class PremisesFigures {
  /** Balance index by matrix. */
  static final String BALANCE = "balance.png";
  /** Slice spectra of one matrix. */
  static final String SPECTRA = "slice_spectra.png";
  /** Task-energy curves. */
  static final String TASK_ENERGY = "task_energy.png";
  /** Every figure file, in the order they are shown. */
  static final List<String> FILES = List.of(BALANCE, SPECTRA, TASK_ENERGY);

  private static final Color PRETRAINED = new Color(31, 119, 180);
  private static final Color RANDOM = new Color(255, 127, 14);
  private static final Color NULL = Color.GRAY;

  private PremisesFigures() {
  }

  /** Writes the figures of {@code tables} into {@code dir}; returns the files written. */
  static List<Path> write(Path dir, Map<String, List<Map<String, Object>>> tables, String pair) {
    List<Path> out = new ArrayList<>();
    List<Map<String, Object>> balance = tables.getOrDefault("balance", List.of());
    List<Map<String, Object>> spectra = tables.getOrDefault("slice_spectra", List.of());
    List<Map<String, Object>> energy = tables.getOrDefault("task_energy", List.of());
    if (has(balance, "init", "layer", "axis", "rank", "energy_cv", "null_energy_cv_median")
        && balance.stream().anyMatch(r -> "row".equals(r.get("axis")))) {
      out.add(Figures.save(balance(balance, pair), dir.resolve(BALANCE)));
    }
    if (has(spectra, "init", "layer", "axis", "rank", "spectrum")
        && spectra.stream().anyMatch(r -> "row".equals(r.get("axis")))) {
      out.add(Figures.save(spectra(spectra, pair), dir.resolve(SPECTRA)));
    }
    if (has(energy, "init", "layer", "dimension", "k", "between_share", "variance_share")) {
      out.add(Figures.save(taskEnergy(energy, pair), dir.resolve(TASK_ENERGY)));
    }
    return out;
  }

  /** Whether {@code rows} is not empty and every row has a value in every one of {@code keys}. */
  private static boolean has(List<Map<String, Object>> rows, String... keys) {
    return !rows.isEmpty() && rows.stream().allMatch(r -> Arrays.stream(keys)
        .allMatch(k -> r.get(k) != null));
  }

  private static XYChart balance(List<Map<String, Object>> rows, String pair) {
    List<Integer> ranks = rows.stream().map(r -> ((Number) r.get("rank")).intValue()).distinct()
        .sorted().toList();
    int rank = ranks.get(ranks.size() / 2);
    XYChart chart = chart(pair + ": balance, row slices of rank " + rank,
        "targeted matrix (model order)", "CV of slice energy (log scale)");
    Map<String, List<Map<String, Object>>> byInit = byInit(rows.stream()
        .filter(r -> "row".equals(r.get("axis")) && ((Number) r.get("rank")).intValue() == rank)
        .toList());
    chart.getStyler().setYAxisLogarithmic(byInit.values().stream().flatMap(List::stream)
        .allMatch(r -> ((Number) r.get("energy_cv")).doubleValue() > 0
            && ((Number) r.get("null_energy_cv_median")).doubleValue() > 0));
    byInit.forEach((init, list) -> {
      double[] x = index(list.size());
      line(chart, init, x, column(list, "energy_cv"), color(init), true);
      if (init.equals("pretrained")) {
        line(chart, "Gaussian null (median)", x, column(list, "null_energy_cv_median"), NULL,
            false);
      }
    });
    return chart;
  }

  private static XYChart spectra(List<Map<String, Object>> rows, String pair) {
    int rank = rows.stream().mapToInt(r -> ((Number) r.get("rank")).intValue()).max().orElse(1);
    List<Map<String, Object>> rowSlices = rows.stream()
        .filter(r -> "row".equals(r.get("axis")) && ((Number) r.get("rank")).intValue() == rank)
        .toList();
    String layer = (String) rowSlices.get(0).get("layer");
    XYChart chart = chart(pair + ": slice spectra, rank " + rank,
        "singular value index (" + layer + ", every row slice)", "normalised singular value");
    Map<String, Integer> drawn = new LinkedHashMap<>();
    for (Map<String, Object> r : rowSlices) {
      if (!layer.equals(r.get("layer"))) {
        continue;
      }
      String init = (String) r.get("init");
      double[] values = Arrays.stream(((String) r.get("spectrum")).trim().split("\\s+"))
          .mapToDouble(Double::parseDouble).toArray();
      // the first slice of each init carries the legend entry; the others share its colour
      int n = drawn.merge(init, 1, Integer::sum);
      XYSeries s = line(chart, n == 1 ? init : init + " " + n, index(values.length), values,
          color(init), true);
      s.setShowInLegend(n == 1);
    }
    return chart;
  }

  private static XYChart taskEnergy(List<Map<String, Object>> rows, String pair) {
    XYChart chart = chart(pair + ": task energy",
        "top-k principal directions of a layer's input (log scale)",
        "share held (median over layers)");
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setYAxisMax(1.0);
    byInit(rows).forEach((init, list) -> {
      // per layer: its dimension and its shares at k = 1, 2, 4, ... below it; a layer holds
      // everything (share 1) at k >= its dimension, so every layer counts at every k
      Map<String, Integer> dimension = new LinkedHashMap<>();
      Map<String, Map<Integer, double[]>> shares = new LinkedHashMap<>();
      for (Map<String, Object> r : list) {
        String layer = (String) r.get("layer");
        dimension.put(layer, ((Number) r.get("dimension")).intValue());
        shares.computeIfAbsent(layer, x -> new TreeMap<>()).put(((Number) r.get("k")).intValue(),
            new double[] {((Number) r.get("between_share")).doubleValue(),
                ((Number) r.get("variance_share")).doubleValue()});
      }
      int widest = dimension.values().stream().mapToInt(Integer::intValue).max().orElse(1);
      Map<Integer, List<Double>> between = new TreeMap<>();
      Map<Integer, List<Double>> variance = new TreeMap<>();
      for (int k = 1; k <= widest; k *= 2) {
        for (Map.Entry<String, Integer> layer : dimension.entrySet()) {
          double[] at = k >= layer.getValue() ? new double[] {1, 1}
              : shares.get(layer.getKey()).get(k);
          if (at != null) {
            between.computeIfAbsent(k, x -> new ArrayList<>()).add(at[0]);
            variance.computeIfAbsent(k, x -> new ArrayList<>()).add(at[1]);
          }
        }
      }
      double[] ks = between.keySet().stream().mapToDouble(Integer::doubleValue).toArray();
      line(chart, init + ": between-class scatter", ks, medians(between), color(init), true);
      line(chart, init + ": variance", ks, medians(variance), color(init), false);
    });
    return chart;
  }

  private static XYChart chart(String title, String x, String y) {
    XYChart chart = new XYChartBuilder().width(Figures.WIDTH * 3 / 2).height(Figures.HEIGHT)
        .title(title).xAxisTitle(x).yAxisTitle(y).build();
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setMarkerSize(4);
    chart.getStyler().setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
    chart.getStyler().setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    return chart;
  }

  private static XYSeries line(XYChart chart, String name, double[] x, double[] y, Color color,
      boolean solid) {
    XYSeries s = chart.addSeries(name, x, y);
    s.setLineColor(color);
    s.setMarkerColor(color);
    s.setMarker(solid ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
    s.setLineStyle(solid ? SeriesLines.SOLID : new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
        BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    return s;
  }

  private static Map<String, List<Map<String, Object>>> byInit(List<Map<String, Object>> rows) {
    Map<String, List<Map<String, Object>>> out = new TreeMap<>();
    for (Map<String, Object> r : rows) {
      out.computeIfAbsent((String) r.get("init"), k -> new ArrayList<>()).add(r);
    }
    return out;
  }

  private static Color color(String init) {
    return init.equals("pretrained") ? PRETRAINED : RANDOM;
  }

  private static double[] index(int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = i + 1;
    }
    return x;
  }

  private static double[] column(List<Map<String, Object>> rows, String name) {
    return rows.stream().mapToDouble(r -> ((Number) r.get(name)).doubleValue()).toArray();
  }

  private static double[] medians(Map<Integer, List<Double>> byK) {
    Median median = new Median();
    return byK.values().stream().mapToDouble(v -> median.evaluate(
        v.stream().mapToDouble(Double::doubleValue).toArray())).toArray();
  }

}
