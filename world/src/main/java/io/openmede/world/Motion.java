package io.openmede.world;

/**
 * The poses of an {@link Action}: its {@link Action.Path} gives the actor's position at time t, its
 * {@link Action.Rhythm} its size, orientation and visibility in frame k.
 *
 * <p>A clip first draws its free parameters (position of the line or spot, size, orientation,
 * direction along the path and of a spin, which frames a blink or pulse starts on) from the clip's
 * seed with {@link #parameters}; the pose of frame k of n is then a pure function of those
 * parameters, k and n. The direction is part of the parameters, not of the class: a clip and its
 * time reversal belong to the same action.
 */
final class Motion {

  private static final double TAU = 2 * Math.PI;

  private Motion() {}

  /**
   * A clip's free parameters.
   *
   * @param cx x of a vertical line or a spot
   * @param cy y of a horizontal line or a spot
   * @param radius the actor's radius
   * @param angle the actor's starting orientation (and a circle's starting point)
   * @param direction +1 or −1: which way along the path and which way a spin turns
   * @param phase 0 or 1: whether a blink or pulse starts on its first or second state
   * @param anti whether a diagonal runs bottom-left to top-right instead of top-left to
   *     bottom-right
   */
  record Parameters(
      double cx, double cy, double radius, double angle, int direction, int phase, boolean anti) {}

  static Parameters parameters(long seed) {
    SplitMix random = new SplitMix(seed);
    return new Parameters(
        random.uniform(0.32, 0.68),
        random.uniform(0.32, 0.68),
        random.uniform(0.12, 0.155),
        random.uniform(0, TAU),
        random.nextSign(),
        random.nextDouble() < 0.5 ? 0 : 1,
        random.nextDouble() < 0.5);
  }

  /** The pose of {@code action} in frame {@code k} of {@code n} (0-based). */
  static Pose pose(Action action, Parameters p, int k, int n) {
    double t = n == 1 ? 0.5 : (double) k / (n - 1);
    double u = p.direction() > 0 ? t : 1 - t;
    double x;
    double y;
    switch (action.path()) {
      case ACROSS -> {
        x = 0.22 + 0.56 * u;
        y = p.cy();
      }
      case UP_AND_DOWN -> {
        x = p.cx();
        y = 0.22 + 0.56 * u;
      }
      case IN_A_CIRCLE -> {
        double phi = p.angle() + p.direction() * 1.75 * Math.PI * t;
        x = 0.5 + 0.24 * Trig.cos(phi);
        y = 0.5 + 0.24 * Trig.sin(phi);
      }
      case DIAGONALLY -> {
        x = 0.24 + 0.52 * u;
        y = p.anti() ? 0.76 - 0.52 * u : 0.24 + 0.52 * u;
      }
      case IN_PLACE -> {
        x = p.cx();
        y = p.cy();
      }
      default -> throw new AssertionError(action);
    }
    boolean second = (k + p.phase()) % 2 == 1;
    return switch (action.rhythm()) {
      case GLIDING -> Pose.at(x, y, p.radius(), p.angle());
      case BLINKING -> new Pose(x, y, p.radius(), p.angle(), second ? 0 : 1, 1, 1);
      case PULSING -> Pose.at(x, y, p.radius() * (second ? 1.45 : 0.6), p.angle());
      case SPINNING -> Pose.at(x, y, p.radius() * 1.1, p.angle() + p.direction() * 1.9 * k);
    };
  }
}
