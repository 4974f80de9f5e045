package io.openmede.world;

/**
 * Sine and cosine from plain double arithmetic: exactly reproducible on every JVM (like {@link
 * StrictMath}) and several times faster, which matters in the per-pixel texture loops. Absolute
 * error below 1e-9, far finer than an 8-bit pixel.
 */
final class Trig {
  private static final double TAU = 2 * Math.PI;
  private static final double HALF_PI = Math.PI / 2;

  private Trig() {}

  static double sin(double x) {
    // reduce to [-pi, pi], then fold onto [-pi/2, pi/2] where the Taylor series converges fast
    double r = x - TAU * Math.floor(x / TAU + 0.5);
    if (r > HALF_PI) {
      r = Math.PI - r;
    } else if (r < -HALF_PI) {
      r = -Math.PI - r;
    }
    double r2 = r * r;
    return r
        * (1
            + r2
                * (-1.0 / 6
                    + r2
                        * (1.0 / 120
                            + r2
                                * (-1.0 / 5040
                                    + r2
                                        * (1.0 / 362880
                                            + r2
                                                * (-1.0 / 39916800
                                                    + r2
                                                        * (1.0 / 6227020800.0
                                                            + r2 * (-1.0 / 1307674368000.0))))))));
  }

  static double cos(double x) {
    return sin(x + HALF_PI);
  }
}
