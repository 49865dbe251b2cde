package org.slicelab.ablations.train;

import ai.djl.ndarray.NDArray;

/** A plain array trained as a whole; its gradient comes from autograd. */
public final class DenseTrainable implements Trainable {
  private final String name;
  private final NDArray array;
  private final NDArray decayBase;

  /** Marks {@code array} as requiring a gradient. */
  public DenseTrainable(String name, NDArray array) {
    this(name, array, null);
  }

  /**
   * An increment {@code array} over frozen values {@code decayBase}: weight decay then acts on
   * {@code decayBase + array}, the effective weights.
   */
  public DenseTrainable(String name, NDArray array, NDArray decayBase) {
    this.name = name;
    this.array = array;
    this.decayBase = decayBase;
    array.setRequiresGradient(true);
  }

  @Override
  public String name() {
    return name;
  }

  /** The underlying array. */
  public NDArray array() {
    return array;
  }

  @Override
  public long size() {
    return array.getShape().size();
  }

  @Override
  public NDArray gradient() {
    if (!array.hasGradient()) {
      return array.zerosLike();
    }
    return array.getGradient();
  }

  /** True when weight decay acts on this array itself (no frozen base under it). */
  public boolean decaysItself() {
    return decayBase == null;
  }

  @Override
  public NDArray decayTarget() {
    return decayBase == null ? array : decayBase.add(array);
  }

  @Override
  public void update(NDArray delta) {
    array.addi(delta);
  }

  @Override
  public void zeroGradient() {
    Autograd.zeroGradient(array);
  }
}
