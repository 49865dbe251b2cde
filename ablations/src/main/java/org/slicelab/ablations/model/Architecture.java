package org.slicelab.ablations.model;

import java.util.List;
import java.util.Map;

/**
 * A backbone's shape as the driver checks trials against it, without weights: its weight layers
 * (names and unit counts), the names {@code targets} selects by default, and the width of the
 * pooled features the head reads.
 *
 * @param layers the weight layers a method may target, in model order
 * @param defaultTargets the layer names of the default {@code targets}
 * @param features the head's input width
 */
public record Architecture(List<LayerShape> layers, List<String> defaultTargets, int features) {

  /** Copies the lists. */
  public Architecture {
    layers = List.copyOf(layers);
    defaultTargets = List.copyOf(defaultTargets);
  }

  /**
   * One weight layer's units (see {@link WeightLayer}).
   *
   * @param name the layer's name
   * @param rows output units
   * @param columns input units (features or channels)
   * @param unitsShared rows and columns are the same units (depthwise convolutions)
   * @param taps matrix columns per input unit (1 for Linear, kh * kw for convolutions)
   */
  public record LayerShape(String name, int rows, int columns, boolean unitsShared, int taps) {
    /** A layer with one tap per input unit (a Linear). */
    public LayerShape(String name, int rows, int columns, boolean unitsShared) {
      this(name, rows, columns, unitsShared, 1);
    }
  }

  /** A text encoder's Linears from {@code [out, in]} shapes by name; every one is a default target. */
  public static Architecture ofLinears(Map<String, int[]> shapes, int features) {
    List<LayerShape> layers = shapes.entrySet().stream()
        .map(e -> new LayerShape(e.getKey(), e.getValue()[0], e.getValue()[1], false)).toList();
    return new Architecture(layers, layers.stream().map(LayerShape::name).toList(), features);
  }

  /** The layer names, in model order. */
  public List<String> layerNames() {
    return layers.stream().map(LayerShape::name).toList();
  }
}
