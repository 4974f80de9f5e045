package io.openmede.world;

/**
 * The shape of the actor. Every shape carries a small dark mark off its centre so that its
 * orientation, and therefore rotation, is visible even for rotation-symmetric shapes.
 */
public enum Shape {
  DISC("disc"),
  SQUARE("square"),
  TRIANGLE("triangle"),
  DIAMOND("diamond"),
  CROSS("cross"),
  RING("ring");

  private final String word;

  Shape(String word) {
    this.word = word;
  }

  /** The noun used in captions, for example {@code "disc"}. */
  public String word() {
    return word;
  }

  /**
   * Signed distance from a point to the shape's outline, in units of the actor's radius: negative
   * inside, positive outside. Exact inside and near the edge, which is what anti-aliasing needs.
   */
  double distance(double u, double v) {
    double au = Math.abs(u);
    double av = Math.abs(v);
    switch (this) {
      case DISC:
        return Math.sqrt(u * u + v * v) - 1.0;
      case SQUARE:
        return Math.max(au, av) - 0.82;
      case TRIANGLE:
        {
          // equilateral, pointing towards +u, circumradius 1.3 (inradius 0.65)
          double d1 = -u;
          double d2 = 0.5 * u + 0.8660254037844386 * v;
          double d3 = 0.5 * u - 0.8660254037844386 * v;
          return Math.max(d1, Math.max(d2, d3)) - 0.65;
        }
      case DIAMOND:
        return (au + av - 1.15) * 0.7071067811865476;
      case CROSS:
        return Math.min(Math.max(au - 1.0, av - 0.34), Math.max(au - 0.34, av - 1.0));
      case RING:
        return Math.abs(Math.sqrt(u * u + v * v) - 0.72) - 0.28;
      default:
        throw new AssertionError(this);
    }
  }
}
