package io.openmede.world;

/**
 * The motion pattern behind an {@link Action}, in its canonical direction of time. A time-reversed
 * action plays the same motion backwards, which is why the frame sets of a time-only pair are
 * identical.
 *
 * <p>A motion first draws its clip's free parameters (start position, size, orientation, ...) from
 * the clip's seed with {@link #parameters}; the pose of frame k of n is then a pure function of
 * those parameters, k and n.
 */
enum Motion {
  SLIDE,
  SCALE,
  TURN,
  ASCEND,
  FADE,
  BOUNCE,
  ZIGZAG,
  JUMP,
  BLINK,
  PULSE,
  WAG,
  ORBIT,
  SHAKE,
  SQUASH,
  STILL;

  private static final double TAU = 2 * Math.PI;

  /** A clip's free parameters, drawn once per clip from its seed. */
  record Parameters(
      double cx, double cy, double radius, double angle, int direction, double j1, double j2) {}

  static Parameters parameters(long seed) {
    SplitMix random = new SplitMix(seed);
    return new Parameters(
        random.uniform(0.32, 0.68),
        random.uniform(0.32, 0.68),
        random.uniform(0.12, 0.155),
        random.uniform(0, TAU),
        random.nextSign(),
        random.nextDouble(),
        random.nextDouble());
  }

  /** The pose in frame {@code k} of {@code n} (0-based), in this motion's canonical direction. */
  Pose pose(Parameters p, int k, int n) {
    double t = n == 1 ? 0.5 : (double) k / (n - 1);
    int parity = (k + (p.j2() < 0.5 ? 0 : 1)) % 2;
    switch (this) {
      case SLIDE:
        {
          double from = 0.76 + 0.04 * p.j1();
          double to = 0.24 - 0.04 * p.j2();
          return Pose.at(from + (to - from) * t, p.cy(), p.radius(), p.angle());
        }
      case SCALE:
        {
          double scale = 0.9 + 0.2 * p.j1();
          return Pose.at(p.cx(), p.cy(), (0.05 + 0.16 * t) * scale, p.angle());
        }
      case TURN:
        {
          double sweep = Math.PI * (0.75 + 0.25 * p.j1());
          return Pose.at(p.cx(), p.cy(), p.radius() * 1.15, p.angle() + sweep * t);
        }
      case ASCEND:
        {
          double u = 1 - t;
          return Pose.at(p.cx(), 0.8 - 0.58 * (1 - u * u), p.radius(), p.angle());
        }
      case FADE:
        return new Pose(p.cx(), p.cy(), p.radius(), p.angle(), 0.08 + 0.92 * t, 1, 1);
      case BOUNCE:
        return Pose.at(p.cx(), 0.76 - 0.42 * Math.abs(Trig.sin(TAU * t)), p.radius(), p.angle());
      case ZIGZAG:
        return Pose.at(
            0.5 + p.direction() * 0.5 * (t - 0.5),
            p.cy() + (parity == 0 ? -0.12 : 0.12),
            p.radius(),
            p.angle());
      case JUMP:
        return Pose.at(
            0.5 + p.direction() * 0.42 * (t - 0.5),
            0.74 - 0.42 * Trig.sin(Math.PI * t),
            p.radius(),
            p.angle());
      case BLINK:
        return new Pose(p.cx(), p.cy(), p.radius(), p.angle(), parity == 0 ? 1 : 0, 1, 1);
      case PULSE:
        return Pose.at(p.cx(), p.cy(), p.radius() * (1 + 0.45 * Trig.sin(TAU * 2 * t)), p.angle());
      case WAG:
        return Pose.at(p.cx(), p.cy(), p.radius() * 1.15, p.angle() + 0.8 * Trig.sin(TAU * 2 * t));
      case ORBIT:
        {
          double phi = p.angle() + p.direction() * 1.7 * Math.PI * t;
          return Pose.at(
              0.5 + 0.24 * Trig.cos(phi), 0.5 + 0.24 * Trig.sin(phi), p.radius(), p.angle());
        }
      case SHAKE:
        return Pose.at(p.cx() + (parity == 0 ? 0.08 : -0.08), p.cy(), p.radius(), p.angle());
      case SQUASH:
        {
          double s = Math.abs(Trig.sin(TAU * t));
          return new Pose(
              p.cx(), p.cy(), p.radius() * 1.1, p.angle(), 1, 1 + 0.45 * s, 1 - 0.5 * s);
        }
      case STILL:
        return Pose.at(p.cx(), p.cy(), p.radius(), p.angle());
      default:
        throw new AssertionError(this);
    }
  }
}
