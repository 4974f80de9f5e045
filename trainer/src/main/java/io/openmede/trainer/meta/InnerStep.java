package io.openmede.trainer.meta;

import java.util.OptionalDouble;

/**
 * α, the size of the plain SGD step θ' = θ − α·gS on the support batch: either tied to the outer
 * learning rate β(step), as in the paper ("α and β synchronised"), or a fixed value.
 *
 * @param fixed the fixed α; empty means α = β(step)
 */
public record InnerStep(OptionalDouble fixed) {

  /** Validates a fixed value. */
  public InnerStep {
    if (fixed.isPresent() && !(fixed.getAsDouble() >= 0)) {
      throw new IllegalArgumentException("alpha must be >= 0, got " + fixed.getAsDouble());
    }
  }

  /** α = β(step), the paper's choice. */
  public static InnerStep tiedToLearningRate() {
    return new InnerStep(OptionalDouble.empty());
  }

  /** A constant α. */
  public static InnerStep fixed(double alpha) {
    return new InnerStep(OptionalDouble.of(alpha));
  }

  /** α for an update whose outer learning rate is {@code beta}. */
  public double alpha(double beta) {
    return fixed.orElse(beta);
  }

  @Override
  public String toString() {
    return fixed.isPresent() ? Double.toString(fixed.getAsDouble()) : "tied to beta";
  }
}
