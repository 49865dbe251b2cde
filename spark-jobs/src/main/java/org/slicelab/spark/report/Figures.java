package org.slicelab.spark.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's PNG figures, drawn with XChart: one chart per table ({@code figure2_rank.png},
 * ...) and {@code figure2.png}, panels (a)-(e) side by side like the paper's Figure 2.
 *
 * <p>Every chart shows test accuracy in percent, the mean over seeds with 95% t-interval error
 * bars (no bar when n = 1). The rank panel adds validation accuracy (dashed), since its claim is
 * about overfitting. Head-only, full fine-tuning and LoRA (the reference table) are drawn as
 * horizontal dashed lines on every panel. A table without data gets a placeholder image saying
 * so, so the file set is always complete.
 */
public final class Figures {
  /** Width of one panel in pixels. */
  public static final int WIDTH = 480;
  /** Height of one panel in pixels. */
  public static final int HEIGHT = 380;
  /** File name of the combined figure. */
  public static final String COMBINED = "figure2.png";

  private static final Color[] REFERENCE_COLORS = {new Color(120, 120, 120),
      new Color(200, 30, 30), new Color(30, 140, 60)};

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private Figures() {
  }

  /** A reference line: label and test accuracy (fraction). */
  record Reference(String label, double testAcc) {
  }

  /**
   * Writes one PNG per table and the combined figure into {@code dir}.
   *
   * @return the written files, per-table first, combined last
   */
  public static List<Path> write(Path dir, Map<String, List<PanelPoint>> points, String subtitle) {
    try {
      Files.createDirectories(dir);
      List<Reference> refs = references(points.getOrDefault(Figure2Panels.REFERENCE, List.of()));
      Map<String, BufferedImage> images = new LinkedHashMap<>();
      List<Path> files = new ArrayList<>();
      for (Figure2Panels.Def def : Figure2Panels.DEFS) {
        List<PanelPoint> ps = points.getOrDefault(def.key(), List.of());
        BufferedImage image = render(def, ps, def.key().equals(Figure2Panels.REFERENCE)
            ? List.of() : refs, WIDTH, HEIGHT);
        Path file = dir.resolve(def.table() + ".png");
        ImageIO.write(image, "png", file.toFile());
        files.add(file);
        images.put(def.key(), image);
      }
      Path combined = dir.resolve(COMBINED);
      ImageIO.write(combined(images, subtitle), "png", combined.toFile());
      files.add(combined);
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write figures to " + dir, e);
    }
  }

  static List<Reference> references(List<PanelPoint> reference) {
    List<Reference> refs = new ArrayList<>();
    for (PanelPoint p : reference) {
      double mean = p.test().mean();
      if (!Double.isNaN(mean)) {
        String label = switch (p.xLabel()) {
          case "head" -> "head";
          case "full" -> "full";
          default -> p.xLabel().startsWith("lora") ? p.xLabel().replace("lora", "LoRA")
              : p.xLabel();
        };
        refs.add(new Reference(label, mean));
      }
    }
    return refs;
  }

  /** Renders one table's chart (or a placeholder when it has no points). */
  static BufferedImage render(Figure2Panels.Def def, List<PanelPoint> points,
      List<Reference> refs, int width, int height) {
    List<PanelPoint> withData = points.stream().filter(p -> p.n() > 0).toList();
    if (withData.isEmpty()) {
      return placeholder(def.title(), "no ok trials", width, height);
    }
    Chart<?, ?> chart = def.numeric() ? xyChart(def, withData, refs, width, height)
        : categoryChart(def, withData, refs, width, height);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    chart.paint(g, width, height);
    g.dispose();
    return image;
  }

  /** Writes {@code chart} as a PNG to {@code file} (parent directories created); returns it. */
  public static Path save(Chart<?, ?> chart, Path file) {
    try {
      Files.createDirectories(file.getParent());
      BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return file;
  }

  private static XYChart xyChart(Figure2Panels.Def def, List<PanelPoint> points,
      List<Reference> refs, int width, int height) {
    XYChart chart = new XYChartBuilder().width(width).height(height).title(def.title())
        .xAxisTitle(def.xAxisTitle()).yAxisTitle("accuracy (%)").build();
    style(chart.getStyler());
    chart.getStyler().setXAxisLogarithmic(def.logX() && points.stream().allMatch(p -> p.x() > 0));
    Map<String, List<PanelPoint>> bySeries = bySeries(points);
    double minX = Double.POSITIVE_INFINITY;
    double maxX = Double.NEGATIVE_INFINITY;
    boolean withVal = def.key().equals(Figure2Panels.RANK);
    // SIFT rates are drawn in percent
    double scale = def.key().equals(Figure2Panels.SIFT) ? 100 : 1;
    chart.getStyler().setXAxisDecimalPattern(def.key().equals(Figure2Panels.RANK) ? "#0"
        : "#0.###");
    for (Map.Entry<String, List<PanelPoint>> e : bySeries.entrySet()) {
      List<PanelPoint> ps = e.getValue();
      double[] x = ps.stream().mapToDouble(p -> p.x() * scale).toArray();
      for (double v : x) {
        minX = Math.min(minX, v);
        maxX = Math.max(maxX, v);
      }
      String name = bySeries.size() == 1 ? "test" : e.getKey();
      XYSeries s = chart.addSeries(name, x, mean(ps, true), errors(ps, true));
      s.setMarker(SeriesMarkers.CIRCLE);
      if (withVal && ps.stream().anyMatch(p -> !p.valBySeed().isEmpty())) {
        XYSeries v = chart.addSeries(bySeries.size() == 1 ? "val" : e.getKey() + " val", x,
            mean(ps, false),
            errors(ps, false));
        v.setMarker(SeriesMarkers.DIAMOND);
        v.setLineStyle(SeriesLines.DASH_DOT);
      }
    }
    int i = 0;
    for (Reference ref : refs) {
      double lo = minX == maxX ? minX * 0.9 : minX;
      double hi = minX == maxX ? maxX * 1.1 + (maxX == 0 ? 0.1 : 0) : maxX;
      XYSeries s = chart.addSeries(ref.label(), new double[] {lo, hi},
          new double[] {ref.testAcc() * 100, ref.testAcc() * 100});
      s.setMarker(SeriesMarkers.NONE);
      s.setLineStyle(SeriesLines.DASH_DASH);
      s.setLineColor(REFERENCE_COLORS[i++ % REFERENCE_COLORS.length]);
    }
    return chart;
  }

  private static CategoryChart categoryChart(Figure2Panels.Def def, List<PanelPoint> points,
      List<Reference> refs, int width, int height) {
    CategoryChart chart = new CategoryChartBuilder().width(width).height(height)
        .title(def.title()).xAxisTitle(def.xAxisTitle()).yAxisTitle("accuracy (%)").build();
    style(chart.getStyler());
    chart.getStyler().setDefaultSeriesRenderStyle(
        CategorySeries.CategorySeriesRenderStyle.Scatter);
    chart.getStyler().setOverlapped(true);
    List<String> categories = new ArrayList<>();
    points.stream().sorted(java.util.Comparator.comparingInt(PanelPoint::xOrder))
        .forEach(p -> {
          if (!categories.contains(p.xLabel())) {
            categories.add(p.xLabel());
          }
        });
    for (Map.Entry<String, List<PanelPoint>> e : bySeries(points).entrySet()) {
      List<Double> y = new ArrayList<>();
      List<Double> err = new ArrayList<>();
      List<String> xs = new ArrayList<>();
      for (String c : categories) {
        PanelPoint p = e.getValue().stream().filter(q -> q.xLabel().equals(c)).findFirst()
            .orElse(null);
        if (p != null) {
          xs.add(c);
          y.add(p.test().mean() * 100);
          err.add(p.test().hasInterval() ? p.test().halfWidth() * 100 : 0.0);
        }
      }
      CategorySeries s = chart.addSeries(bySeries(points).size() == 1 ? "test" : e.getKey(), xs,
          y, err);
      s.setMarker(SeriesMarkers.CIRCLE);
    }
    int i = 0;
    for (Reference ref : refs) {
      List<Double> y = new ArrayList<>();
      categories.forEach(c -> y.add(ref.testAcc() * 100));
      CategorySeries s = chart.addSeries(ref.label(), categories, y);
      s.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
      s.setMarker(SeriesMarkers.NONE);
      s.setLineStyle(SeriesLines.DASH_DASH);
      s.setLineColor(REFERENCE_COLORS[i++ % REFERENCE_COLORS.length]);
    }
    return chart;
  }

  private static void style(org.knowm.xchart.style.AxesChartStyler styler) {
    styler.setLegendPosition(Styler.LegendPosition.OutsideS);
    styler.setLegendLayout(Styler.LegendLayout.Horizontal);
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setPlotGridLinesVisible(true);
    styler.setErrorBarsColorSeriesColor(true);
    styler.setDecimalPattern("#0.##");
    styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    styler.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
    styler.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
  }

  private static Map<String, List<PanelPoint>> bySeries(List<PanelPoint> points) {
    Map<String, List<PanelPoint>> out = new LinkedHashMap<>();
    for (PanelPoint p : points) {
      out.computeIfAbsent(p.series(), k -> new ArrayList<>()).add(p);
    }
    out.values().forEach(l -> l.sort(java.util.Comparator.comparingInt(PanelPoint::xOrder)));
    return out;
  }

  private static double[] mean(List<PanelPoint> ps, boolean test) {
    return ps.stream().mapToDouble(p -> (test ? p.test() : p.val()).mean() * 100).toArray();
  }

  private static double[] errors(List<PanelPoint> ps, boolean test) {
    return ps.stream().mapToDouble(p -> {
      Summary s = test ? p.test() : p.val();
      return s.hasInterval() ? s.halfWidth() * 100 : 0;
    }).toArray();
  }

  private static BufferedImage placeholder(String title, String text, int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
        RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.LIGHT_GRAY);
    g.setStroke(new BasicStroke(2));
    g.drawRect(10, 40, width - 20, height - 60);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.drawString(title, 12, 25);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    g.drawString(text, width / 2 - g.getFontMetrics().stringWidth(text) / 2, height / 2);
    g.dispose();
    return image;
  }

  /** Panels (a)-(e) in one row under a title line, like the paper's Figure 2. */
  private static BufferedImage combined(Map<String, BufferedImage> images, String subtitle) {
    List<BufferedImage> row = new ArrayList<>();
    for (Figure2Panels.Def def : Figure2Panels.DEFS) {
      if (!def.key().equals(Figure2Panels.REFERENCE)) {
        row.add(images.get(def.key()));
      }
    }
    int top = 36;
    BufferedImage out = new BufferedImage(WIDTH * row.size(), HEIGHT + top,
        BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
        RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, out.getWidth(), out.getHeight());
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.drawString("SliceLab: SliceFine Figure 2 + SIFT on all-MiniLM-L6-v2 / SpamAssassin"
        + (subtitle == null || subtitle.isBlank() ? "" : " (" + subtitle + ")"), 12, 24);
    for (int i = 0; i < row.size(); i++) {
      g.drawImage(row.get(i), i * WIDTH, top, null);
    }
    g.dispose();
    return out;
  }
}
