package io.openmede.world;

/**
 * The texture of a scene: a function from a point of the frame to a mix between the scene's dark
 * and light colour. Coordinates are fractions of the frame size, so a pattern looks the same at 32
 * and at 64 pixels.
 */
enum Pattern {
  // in-context family
  STRIPES("striped"),
  BARS("barred"),
  SLANTED("slanted"),
  CHECKER("checkered"),
  DOTS("dotted"),
  GRADIENT("gradient"),
  GLOW("glowing"),
  GRID("gridded"),
  WAVES("wavy"),
  SPECKLES("speckled"),
  // out-of-context family
  BRICKS("brick"),
  RINGS("ringed"),
  PLAID("plaid"),
  MARBLE("marbled"),
  SCALES("scaled"),
  CLOUDS("cloudy");

  private static final double TAU = 2 * Math.PI;

  private final String word;

  Pattern(String word) {
    this.word = word;
  }

  String word() {
    return word;
  }

  /**
   * The light-colour share at (u, v), in [0, 1].
   *
   * @param u horizontal position, fraction of the frame width
   * @param v vertical position, fraction of the frame height
   * @param ou horizontal phase of this clip's copy of the texture, in [0, 1)
   * @param ov vertical phase, in [0, 1)
   * @param noiseSeed seed of the blotchy textures
   */
  double value(double u, double v, double ou, double ov, long noiseSeed) {
    switch (this) {
      case STRIPES:
        return square(Trig.sin(TAU * (v * 5 + ov)));
      case BARS:
        return square(Trig.sin(TAU * (u * 5 + ou)));
      case SLANTED:
        return square(Trig.sin(TAU * ((u + v) * 3.5 + ou)));
      case CHECKER:
        return square(Trig.sin(TAU * (u * 3 + ou * 0.5)) * Trig.sin(TAU * (v * 3 + ov * 0.5)) * 2);
      case DOTS:
        {
          double fu = frac(u * 4 + ou) - 0.5;
          double fv = frac(v * 4 + ov) - 0.5;
          return smoothStep(0.30, 0.24, Math.sqrt(fu * fu + fv * fv));
        }
      case GRADIENT:
        return clamp01(v * 0.9 + 0.05 + (ov - 0.5) * 0.1);
      case GLOW:
        {
          double du = u - (0.35 + 0.3 * ou);
          double dv = v - (0.35 + 0.3 * ov);
          return clamp01(1 - Math.sqrt(du * du + dv * dv) * 1.6);
        }
      case GRID:
        {
          double fu = Math.abs(frac(u * 4 + ou) - 0.5);
          double fv = Math.abs(frac(v * 4 + ov) - 0.5);
          return smoothStep(0.36, 0.44, Math.max(fu, fv));
        }
      case WAVES:
        return square(Trig.sin(TAU * (v * 4 + ov + 0.18 * Trig.sin(TAU * (u * 2 + ou)))));
      case SPECKLES:
        return cellNoise(u * 10 + ou * 10, v * 10 + ov * 10, noiseSeed) > 0.55 ? 1.0 : 0.0;
      case BRICKS:
        {
          double row = v * 5 + ov;
          double shift = (((long) Math.floor(row)) & 1L) == 0 ? 0 : 0.5;
          double fu = Math.abs(frac(u * 3 + ou + shift) - 0.5);
          double fv = Math.abs(frac(row) - 0.5);
          return fu > 0.44 || fv > 0.40 ? 1.0 : 0.0;
        }
      case RINGS:
        {
          double du = u - (0.4 + 0.2 * ou);
          double dv = v - (0.4 + 0.2 * ov);
          return square(Trig.sin(TAU * Math.sqrt(du * du + dv * dv) * 6));
        }
      case PLAID:
        {
          double a = square(Trig.sin(TAU * (u * 3 + ou)));
          double b = square(Trig.sin(TAU * (v * 3 + ov)));
          double thin = Math.abs(frac(u * 6 + ou) - 0.5) > 0.45 ? 1.0 : 0.0;
          return clamp01(0.4 * a + 0.4 * b + 0.4 * thin);
        }
      case MARBLE:
        return 0.5
            + 0.5
                * Trig.sin(
                    TAU
                        * (u * 1.5
                            + ou
                            + 0.45 * Trig.sin(TAU * (v * 1.7 + ov))
                            + 0.2 * Trig.sin(TAU * (u * 4.3 + v * 2.1))));
      case SCALES:
        {
          double row = v * 5 + ov;
          double shift = (((long) Math.floor(row)) & 1L) == 0 ? 0 : 0.5;
          double fu = frac(u * 5 + ou + shift) - 0.5;
          double fv = frac(row);
          double r = Math.sqrt(fu * fu + fv * fv);
          return r > 0.55 ? 0.15 : clamp01(1.2 - r * 1.8);
        }
      case CLOUDS:
        return smoothNoise(u * 3 + ou * 3, v * 3 + ov * 3, noiseSeed);
      default:
        throw new AssertionError(this);
    }
  }

  /** A sine made nearly square, with a soft edge so that stripes are anti-aliased. */
  private static double square(double s) {
    return clamp01(0.5 + 1.5 * s);
  }

  private static double frac(double x) {
    return x - Math.floor(x);
  }

  private static double clamp01(double x) {
    return x < 0 ? 0 : (x > 1 ? 1 : x);
  }

  /** 1 at {@code x <= inner}, 0 at {@code x >= outer}, linear between (either order). */
  private static double smoothStep(double outer, double inner, double x) {
    return clamp01((outer - x) / (outer - inner));
  }

  private static double cellNoise(double x, double y, long seed) {
    long cx = (long) Math.floor(x);
    long cy = (long) Math.floor(y);
    long h = SplitMix.mix(SplitMix.mix(seed, cx), cy);
    return (h >>> 11) * 0x1.0p-53;
  }

  private static double smoothNoise(double x, double y, long seed) {
    double fx = frac(x);
    double fy = frac(y);
    double x0 = Math.floor(x);
    double y0 = Math.floor(y);
    double a = cellNoise(x0, y0, seed);
    double b = cellNoise(x0 + 1, y0, seed);
    double c = cellNoise(x0, y0 + 1, seed);
    double d = cellNoise(x0 + 1, y0 + 1, seed);
    double sx = fx * fx * (3 - 2 * fx);
    double sy = fy * fy * (3 - 2 * fy);
    return (a * (1 - sx) + b * sx) * (1 - sy) + (c * (1 - sx) + d * sx) * sy;
  }
}
