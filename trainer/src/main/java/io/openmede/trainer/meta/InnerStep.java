package io.openmede.trainer.meta;

import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The inner step θ' = θ − α·gS on the support batch (Eq. 6), taken {@link #steps()} times (the
 * paper: once). α is one of:
 *
 * <ul>
 *   <li>tied to the outer learning rate β(step), as in the paper ("α and β synchronised"): at
 *       AdamW's rates this moves θ' by β·‖gS‖, far less than an outer step, so the meta term barely
 *       acts;
 *   <li>a fixed value;
 *   <li>calibrated (a deviation from the paper): α = β(step)·d / ‖gS‖, with d the displacement of
 *       the last outer AdamW step per unit of learning rate, ‖Δθ‖ / β, so that θ' moves as far as
 *       an outer step does. Before the first outer step d = √P (P trainable scalars): AdamW's first
 *       step moves every coordinate by β.
 * </ul>
 *
 * With k ≥ 2 steps θ'_{j+1} = θ'_j − α·gS(θ'_j), α fixed from ‖gS(θ)‖; G still adds gS(θ).
 *
 * @param mode how α is chosen
 * @param fixedAlpha α when {@code mode} is {@link Mode#FIXED} (0 otherwise)
 * @param steps k, inner SGD steps per task (≥ 1)
 */
public record InnerStep(Mode mode, double fixedAlpha, int steps) {

  /** How α is chosen. */
  public enum Mode {
    /** α = β(step), the paper's wording. */
    TIED,
    /** α constant. */
    FIXED,
    /** ‖θ' − θ‖ per inner step equals the last outer step's ‖Δθ‖ (scaled to this β). */
    CALIBRATED
  }

  /** Validates, naming the bad value. */
  public InnerStep {
    if (mode == null) {
      throw new IllegalArgumentException("inner step mode must be tied, fixed or calibrated");
    }
    if (!(fixedAlpha >= 0) || Double.isInfinite(fixedAlpha)) {
      throw new IllegalArgumentException("alpha must be a finite value >= 0, got " + fixedAlpha);
    }
    if (steps < 1) {
      throw new IllegalArgumentException("inner steps must be >= 1, got " + steps);
    }
  }

  /** α = β(step), one step: the paper's choice. */
  public static InnerStep tiedToLearningRate() {
    return new InnerStep(Mode.TIED, 0, 1);
  }

  /** A constant α, one step. */
  public static InnerStep fixed(double alpha) {
    return new InnerStep(Mode.FIXED, alpha, 1);
  }

  /** α calibrated so that θ' moves as far as an outer step (a deviation from the paper). */
  public static InnerStep calibratedToOuterStep() {
    return new InnerStep(Mode.CALIBRATED, 0, 1);
  }

  /** A copy taking {@code k} inner steps per task. */
  public InnerStep withSteps(int k) {
    return new InnerStep(mode, fixedAlpha, k);
  }

  /** The fixed α, empty unless {@link Mode#FIXED}. */
  public OptionalDouble fixed() {
    return mode == Mode.FIXED ? OptionalDouble.of(fixedAlpha) : OptionalDouble.empty();
  }

  /**
   * α for an update whose outer learning rate is {@code beta}, when it does not depend on the
   * gradient (tied or fixed).
   *
   * @throws IllegalStateException when calibrated: use {@link #alpha(double, double, double)}
   */
  public double alpha(double beta) {
    return switch (mode) {
      case TIED -> beta;
      case FIXED -> fixedAlpha;
      case CALIBRATED ->
          throw new IllegalStateException(
              "a calibrated alpha depends on |gS| and the last outer step: call alpha(beta,"
                  + " supportNorm, outerDisplacementPerRate)");
    };
  }

  /**
   * α for an update at {@code beta}.
   *
   * @param supportNorm ‖gS‖ at θ
   * @param outerDisplacementPerRate ‖Δθ‖ / β of the last outer step (√P before the first)
   */
  public double alpha(double beta, double supportNorm, double outerDisplacementPerRate) {
    if (mode != Mode.CALIBRATED) {
      return alpha(beta);
    }
    return supportNorm > 0 ? beta * outerDisplacementPerRate / supportNorm : 0;
  }

  @Override
  public String toString() {
    String a =
        switch (mode) {
          case TIED -> "tied to beta";
          case FIXED -> Double.toString(fixedAlpha);
          case CALIBRATED -> "calibrated to the outer step";
        };
    return steps == 1 ? a : String.format(Locale.ROOT, "%s, %d inner steps", a, steps);
  }
}
