package io.openmede.trainer.meta;

import io.openmede.model.train.AdamW;
import java.util.List;

/**
 * A training method that turns tasks of consecutive (support, query) batches into parameter updates
 * of a {@link GradientSource}. Every clip of the tasks is used exactly once per call.
 *
 * <p>Lifecycle: the method owns its AdamW state; close it when done. Not thread-safe.
 */
public interface MetaOptimizer extends AutoCloseable {

  /** Updates the source's live parameters from {@code tasks}, in order. */
  UpdateReport update(List<Task> tasks);

  /** Optimizer updates taken so far (what β's schedule counts). */
  long step();

  /** The AdamW state (moments and its own step count), for saving with the trainer state. */
  AdamW adamw();

  /** The settings in force. */
  OptimizerSettings settings();

  /** Frees the optimizer state. */
  @Override
  void close();
}
