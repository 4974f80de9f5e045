package io.openmede.trainer.meta;

import io.openmede.model.train.ParameterSet;
import java.util.OptionalDouble;

/** Global-norm clipping, as {@code torch.nn.utils.clip_grad_norm_}. */
final class GradientClipping {

  private GradientClipping() {}

  /**
   * Scales {@code gradient} in place so that its global L2 norm is at most {@code maxNorm}.
   *
   * <p>A non-finite norm (a NaN or infinite gradient) is returned unchanged and the gradient is not
   * touched: {@code NaN > bound} is false, so clipping cannot tame it; the caller must skip the
   * step ({@link UpdateReport#finite}).
   *
   * @return the norm before clipping
   */
  static double clip(ParameterSet gradient, OptionalDouble maxNorm) {
    double norm = gradient.globalNorm();
    if (Double.isFinite(norm) && maxNorm.isPresent() && norm > maxNorm.getAsDouble()) {
      gradient.scale(maxNorm.getAsDouble() / (norm + 1e-6));
    }
    return norm;
  }
}
