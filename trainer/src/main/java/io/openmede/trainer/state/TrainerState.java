package io.openmede.trainer.state;

import io.openmede.model.train.AdamW;
import io.openmede.model.train.ParameterSet;
import java.util.Optional;

/**
 * A loaded trainer state: owned tensors that the caller installs and then closes.
 *
 * @param theta θ, the trained parameters
 * @param adamw the optimizer with its moments and step count
 * @param averageAccumulator the running average of the current cycle, if any
 * @param progress counters, positions and averaging bookkeeping
 */
public record TrainerState(
    ParameterSet theta,
    AdamW adamw,
    Optional<ParameterSet> averageAccumulator,
    TrainerProgress progress)
    implements AutoCloseable {

  /** Frees θ (the caller keeps the optimizer and accumulator once installed). */
  @Override
  public void close() {
    theta.close();
  }
}
