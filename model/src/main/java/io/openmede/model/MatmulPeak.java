package io.openmede.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * What this machine's engine does at best: a large square matrix product through DJL, in the same
 * process, threads and device as the model, so a model's GFLOP/s can be given as a fraction of it.
 */
public final class MatmulPeak {

  private MatmulPeak() {}

  /**
   * GFLOP/s of float32 {@code n x n} by {@code n x n} products on {@code device}: the best of
   * {@code rounds} rounds of {@code iterations} products (2 n³ operations each), after one untimed
   * product.
   */
  public static double f32Gflops(ComputeDevice device, int n, int iterations, int rounds) {
    DataType type = DataType.FLOAT32;
    if (n < 1 || iterations < 1 || rounds < 1) {
      throw new IllegalArgumentException("n, iterations and rounds must be >= 1");
    }
    try (NDManager m = NDManager.newBaseManager(DjlDevices.toDjl(device))) {
      NDArray a = m.randomNormal(new Shape(n, n)).toType(type, false);
      NDArray b = m.randomNormal(new Shape(n, n)).toType(type, false);
      try (NDManager warm = m.newSubManager()) {
        NDArray c = a.matMul(b);
        c.attach(warm);
        c.get(0, 0).toType(DataType.FLOAT32, false).getFloat();
      }
      double best = 0;
      for (int r = 0; r < rounds; r++) {
        try (NDManager round = m.newSubManager()) {
          long t0 = System.nanoTime();
          NDArray last = null;
          for (int i = 0; i < iterations; i++) {
            last = a.matMul(b);
            last.attach(round);
          }
          last.get(0, 0).toType(DataType.FLOAT32, false).getFloat();
          double seconds = (System.nanoTime() - t0) / 1e9;
          best = Math.max(best, 2.0 * n * n * (double) n * iterations / seconds / 1e9);
        }
      }
      return best;
    }
  }
}
