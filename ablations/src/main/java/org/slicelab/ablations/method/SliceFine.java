package org.slicelab.ablations.method;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slicelab.ablations.model.Architecture;
import org.slicelab.ablations.model.Classifier;
import org.slicelab.ablations.model.WeightLayer;
import org.slicelab.ablations.config.Option;
import org.slicelab.ablations.select.SelectionContext;
import org.slicelab.ablations.select.SelectorSettings;
import org.slicelab.ablations.model.SliceAxis;
import org.slicelab.ablations.select.SliceSelector;
import org.slicelab.ablations.select.SliceSelectors;
import org.slicelab.ablations.select.SliceWindow;
import org.slicelab.ablations.train.DenseTrainable;
import org.slicelab.ablations.train.Trainable;

/**
 * SliceFine: train only a rank-r slice (rows or columns) of every targeted weight matrix; no
 * parameter is added to the final model.
 *
 * <p>Static slices come from a {@link SliceSelector}. Moving slices ({@code move_steps} N > 0)
 * merge every N steps, advance by r (wrapping to 0 when the next window would not fit) and
 * restart with fresh optimizer state. {@code alternate} starts with a column slice and switches
 * between column and row at every move, each orientation keeping its own position pointer
 * (ours: the paper shows the alternation but not the pointer rule).
 */
public final class SliceFine implements FineTuningMethod {
  /** Option {@code mode}: slice orientation. */
  public static final Option<String> MODE = Option.oneOf("mode", "row",
      "slice orientation: [row, column, alternate]", List.of("row", "column", "alternate"));
  /** Option {@code move_steps}. */
  public static final Option<Integer> MOVE_STEPS = Option.integer("move_steps", 0,
      "move the slice every N steps; 0 = static", v -> v >= 0,
      "an integer >= 0 (0 = static slice)");
  /** Option {@code bias}. */
  public static final Option<Boolean> BIAS = Option.flag("bias", false,
      "also train the full bias of every targeted layer");
  /** Option {@code head}: the classifier head's treatment. */
  public static final Option<String> HEAD = Option.oneOf("head", "full",
      "classifier head: full (trained fully) or slice", List.of("full", "slice"));
  /** The registration of {@code method = slicefine}. */
  public static final MethodType<Settings> TYPE = new MethodType<>("slicefine", 5e-3,
      List.of(MethodOptions.RANK, SliceWindow.POSITION, MODE, MOVE_STEPS, BIAS,
          MethodOptions.TARGETS, HEAD, SelectorSettings.SELECTOR, SelectorSettings.CALIB_SIZE,
          SelectorSettings.LTH_SPARSITY, SelectorSettings.LTH_ROUNDS),
      Settings::from, SliceFine::new, List.of("rank", "mode", "position", "selector"),
      MethodType.BenchLabel.of("slicefine_r(\\d+)_(row|column)", "slicefine_r<k>_<row|column>",
          m -> Map.of("rank", Integer.parseInt(m.group(1)), "mode", m.group(2))));

  /**
   * SliceFine's settings.
   *
   * @param window slice rank and start
   * @param mode row, column or alternate
   * @param moveSteps move the slice every N steps (0 = static)
   * @param bias also train the full bias of every targeted layer
   * @param targets layer patterns of the sliced Linears
   * @param head {@code full} (head trains fully) or {@code slice}
   * @param selection how static slices are chosen
   */
  public record Settings(SliceWindow window, String mode, int moveSteps, boolean bias,
      List<String> targets, String head, SelectorSettings selection) implements MethodSettings {
    /** The settings in a checked option map. */
    public static Settings from(Map<String, ?> values) {
      return new Settings(new SliceWindow(MethodOptions.RANK.in(values),
          SliceWindow.POSITION.in(values)), MODE.in(values), MOVE_STEPS.in(values),
          BIAS.in(values), MethodOptions.targetList(MethodOptions.TARGETS.in(values)),
          HEAD.in(values), SelectorSettings.from(values));
    }

    /** Slice rank r. */
    public int rank() {
      return window.rank();
    }

    @Override
    public void checkShapes(Architecture architecture, int numClasses) {
      Map<String, Architecture.LayerShape> shapes = new LinkedHashMap<>(
          MethodOptions.targetShapes(architecture, targets));
      if (head.equals("slice")) {
        shapes.put(Classifier.HEAD, new Architecture.LayerShape(Classifier.HEAD, numClasses,
            architecture.features(), false));
      }
      shapes.forEach((name, shape) -> {
        if (!mode.equals("column")) {
          window.start(shape.rows(), name + " (rows)");
        }
        if (!mode.equals("row")) {
          window.start(shape.columns(), name + " (columns)");
        }
      });
    }

    @Override
    public LinearTraining linearTraining() {
      return LinearTraining.targeted(mode.equals("row") ? LinearTraining.Kind.ROW_SLICE
          : LinearTraining.Kind.COLUMN_SLICE, rank(), targets);
    }
  }

  private final Settings settings;
  private final Map<WeightLayer, SliceAdapter> slices = new LinkedHashMap<>();
  private final Map<WeightLayer, int[]> nextStart = new LinkedHashMap<>();
  private final List<Trainable> fixedTrainables = new ArrayList<>();
  private NDManager manager;
  private SliceAxis axis;

  /** SliceFine with {@code settings}; rejects settings that contradict each other. */
  public SliceFine(Settings settings) {
    this.settings = settings;
    boolean moving = settings.moveSteps() > 0;
    if (settings.mode().equals("alternate") && !moving) {
      throw new IllegalArgumentException("trial option 'mode' = alternate needs 'move_steps' > 0"
          + " (alternation happens at each move)");
    }
    if (moving && !settings.selection().selector().equals("position")) {
      throw new IllegalArgumentException("trial option 'selector' = "
          + settings.selection().selector()
          + " selects a static slice: it needs 'move_steps' = 0");
    }
  }

  @Override
  public void attach(Classifier model, MethodContext context) {
    manager = context.manager();
    axis = settings.mode().equals("row") ? SliceAxis.ROW : SliceAxis.COLUMN;
    List<WeightLayer> targets = new ArrayList<>(MethodOptions.targetLayers(model,
        settings.targets()));
    if (settings.head().equals("slice")) {
      targets.add(model.head());
    } else {
      fixedTrainables.addAll(HeadOnly.headTrainables(model));
    }
    if (settings.bias()) {
      for (WeightLayer layer : targets) {
        if (layer != model.head() && layer.bias() != null) {
          fixedTrainables.add(new DenseTrainable(layer.name() + ".bias", layer.bias()));
        }
      }
    }
    SliceSelector selector = SliceSelectors.create(settings.selection().selector());
    Map<String, int[]> chosen = selector.select(model, targets, axis, new SelectionContext(
        settings.window(), settings.selection(), context.training(), context.manager(),
        context.selection(), MaskedFullFineTuning.LOTTERY_TICKET_ROUNDS));
    for (WeightLayer layer : targets) {
      int[] indices = chosen.get(layer.name());
      install(layer, axis, indices);
      // only the axes this mode slices must fit (a convolution may have 3 input channels)
      int rowStart = settings.mode().equals("column") ? 0
          : settings.window().start(layer.units(SliceAxis.ROW), layer.name() + " (rows)");
      int columnStart = settings.mode().equals("row") ? 0
          : settings.window().start(layer.units(SliceAxis.COLUMN), layer.name() + " (columns)");
      nextStart.put(layer, new int[] {rowStart, columnStart});
    }
  }

  private void install(WeightLayer layer, SliceAxis sliceAxis, int[] indices) {
    SliceAdapter adapter = new SliceAdapter(layer, sliceAxis, indices, manager);
    layer.addAdapter(adapter);
    slices.put(layer, adapter);
  }

  @Override
  public List<Trainable> trainables() {
    List<Trainable> out = new ArrayList<>();
    for (SliceAdapter slice : slices.values()) {
      out.add(slice.trainable());
    }
    out.addAll(fixedTrainables);
    return out;
  }

  /** The current slice of every targeted layer, by layer name. */
  public Map<String, SliceAdapter> slices() {
    Map<String, SliceAdapter> out = new LinkedHashMap<>();
    slices.forEach((layer, slice) -> out.put(layer.name(), slice));
    return out;
  }

  @Override
  public boolean afterStep(int stepsDone) {
    if (settings.moveSteps() == 0 || stepsDone % settings.moveSteps() != 0) {
      return false;
    }
    SliceAxis nextAxis = settings.mode().equals("alternate") ? axis.other() : axis;
    for (WeightLayer layer : new ArrayList<>(slices.keySet())) {
      int[] pointers = nextStart.get(layer);
      pointers[axis.ordinal()] = advance(pointers[axis.ordinal()], axis.dimension(layer));
      layer.mergeAdapters();
      slices.remove(layer).close();
      install(layer, nextAxis,
          SliceSelector.window(pointers[nextAxis.ordinal()], settings.rank()));
    }
    axis = nextAxis;
    return true;
  }

  private int advance(int start, int dim) {
    int next = start + settings.rank();
    return next + settings.rank() > dim ? 0 : next;
  }

  @Override
  public void merge(Classifier model) {
    for (WeightLayer layer : slices.keySet()) {
      layer.mergeAdapters();
    }
    slices.values().forEach(SliceAdapter::close);
    slices.clear();
  }
}
