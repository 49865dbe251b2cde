package org.slicelab.ablations.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import org.slicelab.ablations.train.Autograd;
import org.slicelab.ablations.train.Trainable;

/**
 * k chosen entries of a larger tensor (SIFT): the gradient is gathered at the flat indices, and
 * updates are scattered straight back into the tensor, so optimizer state is O(k).
 */
final class SparseTrainable implements Trainable {
  private final String name;
  private final NDArray tensor;
  private final NDArray flatIndices;
  private final NDIndex index;

  /** {@code flatIndices}: int64 positions in the flattened {@code tensor} (which needs a gradient). */
  SparseTrainable(String name, NDArray tensor, NDArray flatIndices) {
    this.name = name;
    this.tensor = tensor;
    this.flatIndices = flatIndices;
    this.index = new NDIndex("{}", flatIndices);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long size() {
    return flatIndices.size();
  }

  /** The chosen flat indices. */
  long[] indices() {
    return flatIndices.toLongArray();
  }

  @Override
  public NDArray gradient() {
    if (!tensor.hasGradient()) {
      return flatIndices.zerosLike().toType(tensor.getDataType(), false);
    }
    return tensor.getGradient().reshape(-1).get(index);
  }

  @Override
  public NDArray decayTarget() {
    return tensor.reshape(-1).get(index);
  }

  @Override
  public void update(NDArray delta) {
    NDArray flat = tensor.reshape(-1);
    flat.set(index, flat.get(index).add(delta));
  }

  @Override
  public void zeroGradient() {
    Autograd.zeroGradient(tensor);
  }
}
