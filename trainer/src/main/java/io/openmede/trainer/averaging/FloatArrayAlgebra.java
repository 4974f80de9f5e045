package io.openmede.trainer.averaging;

/** {@link WeightAlgebra} over a flat {@code float[]} (arithmetic in double, stored as float). */
final class FloatArrayAlgebra implements WeightAlgebra<float[]> {

  /** The single instance. */
  public static final FloatArrayAlgebra INSTANCE = new FloatArrayAlgebra();

  private FloatArrayAlgebra() {}

  @Override
  public float[] copy(float[] v) {
    return v.clone();
  }

  @Override
  public void combine(float[] target, double a, float[] other, double b) {
    if (target.length != other.length) {
      throw new IllegalArgumentException(
          "vectors differ in length: " + target.length + " vs " + other.length);
    }
    for (int i = 0; i < target.length; i++) {
      target[i] = (float) (a * target[i] + b * other[i]);
    }
  }

  @Override
  public void release(float[] v) {}
}
