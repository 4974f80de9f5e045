package io.openmede.trainer.meta;

import io.openmede.model.train.LossAndGradient;
import io.openmede.model.train.ParameterSet;

/**
 * The seam between the optimizers and the model: trainable parameters and the loss gradient at
 * them. {@link ClipModelGradientSource} adapts a {@code ClipModel}; tests may supply their own.
 *
 * <p>Not thread-safe: one optimizer drives one source.
 */
interface GradientSource {

  /** A LIVE view of the trainable parameters θ; changing it changes the model. */
  ParameterSet parameters();

  /** Loss and a new owned gradient at the live parameters. */
  LossAndGradient lossAndGradient(TrainingBatch batch);

  /**
   * Loss and a new owned gradient at the parameter values {@code at} (same names and shapes as
   * {@link #parameters()}); the live parameters are left unchanged.
   */
  LossAndGradient lossAndGradient(ParameterSet at, TrainingBatch batch);
}
