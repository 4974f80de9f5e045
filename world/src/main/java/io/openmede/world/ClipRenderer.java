package io.openmede.world;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Draws clips: a static textured background, copied into every frame, with the actor composited on
 * top using anti-aliased signed-distance shapes.
 *
 * <p>All arithmetic is IEEE double, with {@link Trig} and {@link StrictMath} where a function is
 * needed, so the bytes are identical on every JVM. Stateless and thread-safe.
 */
final class ClipRenderer {
  /** Grain added to backgrounds, in levels of 0–255 (peak to peak). */
  private static final int GRAIN = 6;

  private ClipRenderer() {}

  /** The frames of a clip: {@code frames} arrays of {@code size*size*3} interleaved RGB bytes. */
  static List<byte[]> render(ClipSpec spec, int frames, int size) {
    byte[] background = background(spec.scene(), size, SplitMix.mix(spec.seed(), 1));
    Motion.Parameters parameters = Motion.parameters(SplitMix.mix(spec.seed(), 2));
    List<byte[]> out = new ArrayList<>(frames);
    for (int i = 0; i < frames; i++) {
      byte[] frame = background.clone();
      if (spec.actorVisible()) {
        drawActor(
            frame,
            size,
            spec.shape(),
            spec.colour(),
            Motion.pose(spec.action(), parameters, i, frames));
      }
      out.add(frame);
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * A motion-trail still of a clip: the scene, ghosts of the actor's earlier poses with opacity
   * {@code ghostOpacity * ghostDecay^(age-1)} for a pose {@code age} frames old (oldest drawn
   * first), and the actor's last pose on top as in the clip's last frame.
   */
  static byte[] trail(ClipSpec spec, int frames, int size, double ghostOpacity, double ghostDecay) {
    byte[] still = background(spec.scene(), size, SplitMix.mix(spec.seed(), 1));
    if (!spec.actorVisible()) {
      return still;
    }
    Motion.Parameters parameters = Motion.parameters(SplitMix.mix(spec.seed(), 2));
    for (int i = 0; i < frames; i++) {
      Pose pose = Motion.pose(spec.action(), parameters, i, frames);
      int age = frames - 1 - i;
      if (age > 0) {
        double fade = ghostOpacity * StrictMath.pow(ghostDecay, age - 1);
        pose =
            new Pose(
                pose.x(),
                pose.y(),
                pose.radius(),
                pose.angle(),
                pose.opacity() * fade,
                pose.stretchX(),
                pose.stretchY());
      }
      drawActor(still, size, spec.shape(), spec.colour(), pose);
    }
    return still;
  }

  /** The scene alone: {@code size*size*3} interleaved RGB bytes. */
  static byte[] background(Scene scene, int size, long seed) {
    SplitMix random = new SplitMix(seed);
    double ou = random.nextDouble();
    double ov = random.nextDouble();
    long noiseSeed = random.nextLong();
    long grainSeed = random.nextLong();
    int dark = scene.dark();
    int light = scene.light();
    int dr = (dark >> 16) & 0xFF;
    int dg = (dark >> 8) & 0xFF;
    int db = dark & 0xFF;
    int lr = (light >> 16) & 0xFF;
    int lg = (light >> 8) & 0xFF;
    int lb = light & 0xFF;
    Pattern pattern = scene.pattern();
    byte[] rgb = new byte[size * size * 3];
    SplitMix grain = new SplitMix(grainSeed);
    int o = 0;
    for (int y = 0; y < size; y++) {
      double v = (y + 0.5) / size;
      for (int x = 0; x < size; x++) {
        double u = (x + 0.5) / size;
        double w = pattern.value(u, v, ou, ov, noiseSeed);
        int g = grain.nextInt(GRAIN + 1) - GRAIN / 2;
        rgb[o++] = toByte(dr + (lr - dr) * w + g);
        rgb[o++] = toByte(dg + (lg - dg) * w + g);
        rgb[o++] = toByte(db + (lb - db) * w + g);
      }
    }
    return rgb;
  }

  /** Composites the actor in the given pose onto {@code frame} ({@code size*size*3} RGB). */
  static void drawActor(byte[] frame, int size, Shape shape, ActorColour colour, Pose pose) {
    if (pose.opacity() <= 0) {
      return;
    }
    double radius = pose.radius() * size;
    double cx = pose.x() * size;
    double cy = pose.y() * size;
    double sx = pose.stretchX();
    double sy = pose.stretchY();
    double cos = Trig.cos(pose.angle());
    double sin = Trig.sin(pose.angle());
    double toPixels = radius * Math.min(sx, sy);
    double outlineWidth = Math.max(0.5, Math.min(1.5, radius * 0.18));
    double extent = radius * 1.4 * Math.max(sx, sy) + 2;
    int x0 = Math.max(0, (int) Math.floor(cx - extent));
    int x1 = Math.min(size - 1, (int) Math.ceil(cx + extent));
    int y0 = Math.max(0, (int) Math.floor(cy - extent));
    int y1 = Math.min(size - 1, (int) Math.ceil(cy + extent));
    double fr = colour.red();
    double fg = colour.green();
    double fb = colour.blue();
    for (int py = y0; py <= y1; py++) {
      double dy = (py + 0.5 - cy) / sy;
      for (int px = x0; px <= x1; px++) {
        double dx = (px + 0.5 - cx) / sx;
        double u = (cos * dx + sin * dy) / radius;
        double v = (-sin * dx + cos * dy) / radius;
        double d = shape.distance(u, v) * toPixels;
        double coverage = clamp01(0.5 - d);
        if (coverage <= 0) {
          continue;
        }
        double fill = clamp01(0.5 - d - outlineWidth);
        double edge = 0.35 + 0.65 * fill;
        double mu = u - 0.55;
        double mark = clamp01(0.5 - (Math.sqrt(mu * mu + v * v) - 0.22) * toPixels);
        double shade = edge * (1 - mark) + 0.15 * mark;
        double alpha = coverage * pose.opacity();
        int o = (py * size + px) * 3;
        frame[o] = toByte((frame[o] & 0xFF) * (1 - alpha) + fr * shade * alpha);
        frame[o + 1] = toByte((frame[o + 1] & 0xFF) * (1 - alpha) + fg * shade * alpha);
        frame[o + 2] = toByte((frame[o + 2] & 0xFF) * (1 - alpha) + fb * shade * alpha);
      }
    }
  }

  private static double clamp01(double x) {
    return x < 0 ? 0 : (x > 1 ? 1 : x);
  }

  private static byte toByte(double value) {
    long rounded = Math.round(value);
    return (byte) (rounded < 0 ? 0 : (rounded > 255 ? 255 : rounded));
  }
}
