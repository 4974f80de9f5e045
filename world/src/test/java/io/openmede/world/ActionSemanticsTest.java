package io.openmede.world;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The actions look like their names: measured on the actor's pixels (those unlike the scene). */
class ActionSemanticsTest {
  private static final SyntheticWorld WORLD = SyntheticWorld.withDefaults();

  @Test
  void movingLeft_centroidMovesLeft_movingRight_right() {
    for (long seed = 0; seed < 10; seed++) {
      List<double[]> left = centroids(spec(Action.MOVING_LEFT, seed));
      List<double[]> right = centroids(spec(Action.MOVING_RIGHT, seed));
      assertThat(left.get(7)[0]).isLessThan(left.get(0)[0] - 10);
      assertThat(right.get(7)[0]).isGreaterThan(right.get(0)[0] + 10);
      assertThat(Math.abs(left.get(7)[1] - left.get(0)[1])).isLessThan(1.0);
    }
  }

  @Test
  void rising_centroidMovesUp_falling_down() {
    for (long seed = 0; seed < 10; seed++) {
      List<double[]> rising = centroids(spec(Action.RISING, seed));
      List<double[]> falling = centroids(spec(Action.FALLING, seed));
      assertThat(rising.get(7)[1]).isLessThan(rising.get(0)[1] - 10);
      assertThat(falling.get(7)[1]).isGreaterThan(falling.get(0)[1] + 10);
    }
  }

  @Test
  void growing_areaGrows_shrinking_shrinks() {
    for (long seed = 0; seed < 10; seed++) {
      List<double[]> growing = centroids(spec(Action.GROWING, seed));
      assertThat(growing.get(7)[2]).isGreaterThan(growing.get(0)[2] * 4);
      List<double[]> shrinking = centroids(spec(Action.SHRINKING, seed));
      assertThat(shrinking.get(7)[2]).isLessThan(shrinking.get(0)[2] / 4);
    }
  }

  @Test
  void drawActor_angleIncreasing_turnsClockwiseOnScreen() {
    // a triangle points along +angle: at 0 it points right, at +90 degrees it points down
    double[] right = centroidOfPose(0);
    double[] down = centroidOfPose(Math.PI / 2);
    double[] left = centroidOfPose(Math.PI);

    assertThat(right[0]).isGreaterThan(16.1);
    assertThat(down[1]).isGreaterThan(16.1);
    assertThat(left[0]).isLessThan(15.9);
    // right, then down, then left: clockwise on a screen whose y axis points down
    assertThat(Action.ROTATING_CLOCKWISE.timeReversed())
        .contains(Action.ROTATING_COUNTER_CLOCKWISE);
  }

  @Test
  void fadingIn_actorContrastGrows_blinking_actorAbsentEveryOtherFrame() {
    ClipSpec fading = spec(Action.FADING_IN, 2);
    byte[] bare = bare(fading);
    Clip clip = WORLD.clip(fading);
    assertThat(contrast(clip.frames().get(7), bare))
        .isGreaterThan(4 * contrast(clip.frames().get(0), bare));

    ClipSpec blinking = spec(Action.BLINKING, 2);
    Clip blinks = WORLD.clip(blinking);
    int absent = 0;
    for (byte[] frame : blinks.frames()) {
      absent += contrast(frame, bare(blinking)) == 0 ? 1 : 0;
    }
    assertThat(absent).isEqualTo(4);
  }

  private static ClipSpec spec(Action action, long seed) {
    return ClipSpec.of(action, Shape.DISC, ActorColour.WHITE, Scene.GREY_BARRED, seed);
  }

  private static byte[] bare(ClipSpec spec) {
    return ClipRenderer.background(spec.scene(), 32, SplitMix.mix(spec.seed(), 1));
  }

  private static double[] centroidOfPose(double angle) {
    ClipSpec spec =
        ClipSpec.of(
            Action.STANDING_STILL, Shape.TRIANGLE, ActorColour.WHITE, Scene.TEAL_GRADIENT, 0);
    byte[] frame = bare(spec);
    byte[] background = frame.clone();
    ClipRenderer.drawActor(
        frame, 32, Shape.TRIANGLE, ActorColour.WHITE, Pose.at(0.5, 0.5, 0.25, angle));
    return centroid(frame, background);
  }

  /** Per frame: actor centroid x, y in pixels and actor area in pixels. */
  private static List<double[]> centroids(ClipSpec spec) {
    byte[] background = bare(spec);
    return WORLD.clip(spec).frames().stream().map(f -> centroid(f, background)).toList();
  }

  private static double[] centroid(byte[] frame, byte[] background) {
    double sx = 0;
    double sy = 0;
    double n = 0;
    for (int i = 0; i < frame.length; i += 3) {
      int d = 0;
      for (int c = 0; c < 3; c++) {
        d += Math.abs((frame[i + c] & 0xFF) - (background[i + c] & 0xFF));
      }
      if (d > 30) {
        int p = i / 3;
        sx += p % 32 + 0.5;
        sy += p / 32 + 0.5;
        n++;
      }
    }
    return new double[] {sx / n, sy / n, n};
  }

  private static long contrast(byte[] frame, byte[] background) {
    long d = 0;
    for (int i = 0; i < frame.length; i++) {
      d += Math.abs((frame[i] & 0xFF) - (background[i] & 0xFF));
    }
    return d;
  }
}
