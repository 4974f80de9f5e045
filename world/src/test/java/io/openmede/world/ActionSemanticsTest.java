package io.openmede.world;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The actions look like their names: measured on the actor's pixels (those unlike the scene). */
class ActionSemanticsTest {
  private static final SyntheticWorld WORLD = SyntheticWorld.withDefaults();

  @Test
  void across_movesHorizontally_upAndDown_vertically_eitherWay() {
    int rightwards = 0;
    for (long seed = 0; seed < 20; seed++) {
      List<double[]> across = centroids(spec(Action.GLIDING_ACROSS, seed));
      assertThat(Math.abs(across.get(7)[0] - across.get(0)[0])).isGreaterThan(10);
      assertThat(Math.abs(across.get(7)[1] - across.get(0)[1])).isLessThan(1.0);
      rightwards += across.get(7)[0] > across.get(0)[0] ? 1 : 0;
      List<double[]> vertical = centroids(spec(Action.GLIDING_UP_AND_DOWN, seed));
      assertThat(Math.abs(vertical.get(7)[1] - vertical.get(0)[1])).isGreaterThan(10);
      assertThat(Math.abs(vertical.get(7)[0] - vertical.get(0)[0])).isLessThan(1.0);
    }
    assertThat(rightwards).isBetween(3, 17);
  }

  @Test
  void inACircle_staysAtTheRadius_diagonally_movesAlongADiagonal_inPlace_staysPut() {
    for (long seed = 0; seed < 10; seed++) {
      for (double[] c : centroids(spec(Action.GLIDING_IN_A_CIRCLE, seed))) {
        double r = Math.hypot(c[0] - 16, c[1] - 16);
        assertThat(r).isBetween(6.0, 9.5);
      }
      List<double[]> d = centroids(spec(Action.GLIDING_DIAGONALLY, seed));
      double dx = d.get(7)[0] - d.get(0)[0];
      double dy = d.get(7)[1] - d.get(0)[1];
      assertThat(Math.abs(dx)).isGreaterThan(10);
      assertThat(Math.abs(Math.abs(dx) - Math.abs(dy))).isLessThan(1.5);
      List<double[]> still = centroids(spec(Action.GLIDING_IN_PLACE, seed));
      assertThat(Math.hypot(still.get(7)[0] - still.get(0)[0], still.get(7)[1] - still.get(0)[1]))
          .isLessThan(0.01);
    }
  }

  @Test
  void blinking_actorAbsentEveryOtherFrame_pulsing_twoSizesInTurn() {
    ClipSpec blinking = spec(Action.BLINKING_IN_PLACE, 2);
    int absent = 0;
    for (byte[] frame : WORLD.clip(blinking).frames()) {
      absent += contrast(frame, bare(blinking)) == 0 ? 1 : 0;
    }
    assertThat(absent).isEqualTo(4);

    List<double[]> pulsing = centroids(spec(Action.PULSING_IN_PLACE, 2));
    for (int k = 1; k < 8; k++) {
      double ratio = pulsing.get(k)[2] / pulsing.get(k - 1)[2];
      assertThat(ratio > 3 || ratio < 1 / 3.0).as("frame %d", k).isTrue();
    }
  }

  @Test
  void spinning_turnsTheActorBetweenFrames_gliding_doesNot() {
    ClipSpec spinning = spec(Action.SPINNING_IN_PLACE, 4, Shape.TRIANGLE);
    ClipSpec gliding = spec(Action.GLIDING_IN_PLACE, 4, Shape.TRIANGLE);
    List<byte[]> s = WORLD.clip(spinning).frames();
    List<byte[]> g = WORLD.clip(gliding).frames();
    for (int k = 1; k < 8; k++) {
      assertThat(contrast(s.get(k), s.get(k - 1))).isGreaterThan(500);
      assertThat(contrast(g.get(k), g.get(k - 1))).isZero();
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
  }

  private static ClipSpec spec(Action action, long seed) {
    return spec(action, seed, Shape.DISC);
  }

  private static ClipSpec spec(Action action, long seed, Shape shape) {
    return ClipSpec.of(action, shape, ActorColour.WHITE, Scene.GREY_BARRED, seed);
  }

  private static byte[] bare(ClipSpec spec) {
    return ClipRenderer.background(spec.scene(), 32, SplitMix.mix(spec.seed(), 1));
  }

  private static double[] centroidOfPose(double angle) {
    ClipSpec spec =
        ClipSpec.of(
            Action.GLIDING_IN_PLACE, Shape.TRIANGLE, ActorColour.WHITE, Scene.TEAL_GRADIENT, 0);
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
