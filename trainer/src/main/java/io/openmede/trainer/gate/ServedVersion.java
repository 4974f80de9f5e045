package io.openmede.trainer.gate;

import java.util.Optional;

/**
 * Which checkpoint version the recognizers serve now: the gate's baseline. A trainer's own
 * promotions are not the whole story: an operator's {@code openmede model promote X}, {@code
 * rollback X} (which pins X) and {@code unpin} change what the recognizers install, and the next
 * candidate must be compared with that. Asked on the trainer's loop thread before each judgement.
 */
@FunctionalInterface
public interface ServedVersion {

  /** Knows nothing: the gate's baseline is the trainer's own last promoted checkpoint. */
  ServedVersion UNKNOWN = Optional::empty;

  /**
   * The version the recognizers serve, or empty when they serve their initial weights or it cannot
   * be told now (the gate then keeps its baseline).
   *
   * @throws RuntimeException when the source cannot be read (the gate keeps its baseline)
   */
  Optional<String> now();
}
