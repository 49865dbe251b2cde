package org.slicelab.spark.report;

import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The slice-energy vs accuracy figure of one pair (XChart, like {@link Figures}): every Figure 2
 * slice trial as a point, its step-0 slice energy share on a log x axis against its test
 * accuracy, one colour per Figure 2 table (a trial in several tables is drawn in the first).
 */
final class PremisesFigure {
  /** File name of the figure in a pair's figure directory. */
  static final String FILE = "premise_outcome.png";

  /**
   * One trial.
   *
   * @param energyShare step-0 slice energy share
   * @param testAcc test accuracy (fraction)
   * @param tables its Figure 2 tables, comma-separated
   */
  record Point(double energyShare, double testAcc, String tables) {
  }

  private PremisesFigure() {
  }

  /** Writes the figure of {@code points} to {@code file}; returns it. */
  static Path write(Path file, List<Point> points, String title) {
    XYChart chart = new XYChartBuilder().width(Figures.WIDTH).height(Figures.HEIGHT)
        .title(title).xAxisTitle("step-0 slice energy share (log scale)")
        .yAxisTitle("test accuracy (%)").build();
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    chart.getStyler().setXAxisLogarithmic(points.stream().allMatch(p -> p.energyShare() > 0));
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setMarkerSize(8);
    Map<String, List<Point>> bySeries = new TreeMap<>();
    for (Point p : points) {
      String first = p.tables() == null || p.tables().isEmpty() ? "slice"
          : p.tables().split(",")[0];
      bySeries.computeIfAbsent(first, k -> new ArrayList<>()).add(p);
    }
    bySeries.forEach((series, ps) -> chart.addSeries(series,
        ps.stream().mapToDouble(Point::energyShare).toArray(),
        ps.stream().mapToDouble(p -> p.testAcc() * 100).toArray())
        .setMarker(SeriesMarkers.CIRCLE));
    return Figures.save(chart, file);
  }
}
