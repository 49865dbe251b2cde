package org.slicelab.ablations.method;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slicelab.ablations.backbone.LinearLayer;
import org.slicelab.ablations.backbone.TextClassifier;
import org.slicelab.ablations.select.SelectionContext;
import org.slicelab.ablations.select.SliceAxis;
import org.slicelab.ablations.select.SliceSelector;
import org.slicelab.ablations.select.SliceSelectors;
import org.slicelab.ablations.train.DenseTrainable;
import org.slicelab.ablations.train.Trainable;
import org.slicelab.ablations.trial.TrialSpec;

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
  private final TrialSpec spec;
  private final Map<LinearLayer, SliceAdapter> slices = new LinkedHashMap<>();
  private final Map<LinearLayer, int[]> nextStart = new LinkedHashMap<>();
  private final List<Trainable> fixedTrainables = new ArrayList<>();
  private NDManager manager;
  private SliceAxis axis;

  /** SliceFine configured by {@code spec} (rank, position, mode, move_steps, bias, targets, head, selector). */
  public SliceFine(TrialSpec spec) {
    this.spec = spec;
    boolean moving = spec.moveSteps() > 0;
    if (spec.mode().equals("alternate") && !moving) {
      throw new IllegalArgumentException("trial option 'mode' = alternate needs 'move_steps' > 0"
          + " (alternation happens at each move)");
    }
    if (moving && !spec.selector().equals("position")) {
      throw new IllegalArgumentException("trial option 'selector' = " + spec.selector()
          + " selects a static slice: it needs 'move_steps' = 0");
    }
  }

  @Override
  public void attach(TextClassifier model, MethodContext context) {
    manager = context.manager();
    axis = spec.mode().equals("row") ? SliceAxis.ROW : SliceAxis.COLUMN;
    List<LinearLayer> targets = LayerPatterns.select(model.encoder().linearLayers(),
        spec.targetList());
    targets = new ArrayList<>(targets);
    if (spec.head().equals("slice")) {
      targets.add(model.head());
    } else {
      fixedTrainables.addAll(HeadOnly.headTrainables(model));
    }
    if (spec.bias()) {
      for (LinearLayer layer : targets) {
        if (layer != model.head()) {
          fixedTrainables.add(new DenseTrainable(layer.name() + ".bias", layer.bias()));
        }
      }
    }
    SliceSelector selector = SliceSelectors.create(spec.selector());
    Map<String, int[]> chosen = selector.select(model, targets, axis, new SelectionContext(
        context.spec(), context.manager(), context.selection(),
        MaskedFullFineTuning.LOTTERY_TICKET_ROUNDS));
    for (LinearLayer layer : targets) {
      int[] indices = chosen.get(layer.name());
      install(layer, axis, indices);
      int rowStart = spec.slicePosition(layer.outFeatures(), layer.name() + " (rows)");
      int columnStart = spec.slicePosition(layer.inFeatures(), layer.name() + " (columns)");
      nextStart.put(layer, new int[] {rowStart, columnStart});
    }
  }

  private void install(LinearLayer layer, SliceAxis sliceAxis, int[] indices) {
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
    if (spec.moveSteps() == 0 || stepsDone % spec.moveSteps() != 0) {
      return false;
    }
    SliceAxis nextAxis = spec.mode().equals("alternate") ? axis.other() : axis;
    for (LinearLayer layer : new ArrayList<>(slices.keySet())) {
      int[] pointers = nextStart.get(layer);
      pointers[axis.ordinal()] = advance(pointers[axis.ordinal()], axis.dimension(layer));
      layer.mergeAdapters();
      slices.remove(layer).close();
      install(layer, nextAxis, SliceSelector.window(pointers[nextAxis.ordinal()], spec.rank()));
    }
    axis = nextAxis;
    return true;
  }

  private int advance(int start, int dim) {
    int next = start + spec.rank();
    return next + spec.rank() > dim ? 0 : next;
  }

  @Override
  public void merge(TextClassifier model) {
    for (LinearLayer layer : slices.keySet()) {
      layer.mergeAdapters();
    }
    slices.values().forEach(SliceAdapter::close);
    slices.clear();
  }
}
