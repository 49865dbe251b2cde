package org.slicelab.ablations.backbone;

import org.slicelab.ablations.data.image.ImageInput;
import org.slicelab.ablations.model.Modality;

/**
 * A pretrained image network: besides what every {@link Backbone} has, the input it takes
 * (the smallest side it accepts and the pixel normalisation it was trained with).
 */
public interface VisionBackbone extends Backbone {

  /**
   * The network's input at {@code imageSize} pixels a side.
   *
   * @throws IllegalArgumentException naming the trial option {@code image_size} when the size is
   *     below the network's minimum
   */
  ImageInput input(int imageSize);

  @Override
  default Modality modality() {
    return Modality.IMAGE;
  }
}
