package io.openmede.trainer.averaging;

/**
 * The few vector operations a weight average needs, so that the same averaging code runs on model
 * parameters ({@link ParameterSetAlgebra}) and on plain arrays ({@link FloatArrayAlgebra}).
 *
 * @param <V> a vector of weights; values returned by {@link #copy} are owned by the caller
 */
interface WeightAlgebra<V> {

  /** A new owned copy of {@code v}. */
  V copy(V v);

  /** {@code target ← a·target + b·other}, in place. */
  void combine(V target, double a, V other, double b);

  /** Frees an owned vector (no-op where nothing needs freeing). */
  void release(V v);
}
