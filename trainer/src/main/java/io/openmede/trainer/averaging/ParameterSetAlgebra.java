package io.openmede.trainer.averaging;

import io.openmede.model.train.ParameterSet;

/** {@link WeightAlgebra} over the model's {@link ParameterSet}s (arithmetic on their device). */
public final class ParameterSetAlgebra implements WeightAlgebra<ParameterSet> {

  /** The single instance. */
  public static final ParameterSetAlgebra INSTANCE = new ParameterSetAlgebra();

  private ParameterSetAlgebra() {}

  @Override
  public ParameterSet copy(ParameterSet v) {
    return v.copy();
  }

  @Override
  public void combine(ParameterSet target, double a, ParameterSet other, double b) {
    if (a != 1.0) {
      target.scale(a);
    }
    target.addScaled(other, b);
  }

  @Override
  public void release(ParameterSet v) {
    v.close();
  }
}
