package io.openmede.schemas.checkpoint;

import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.CheckpointStatus;
import java.time.Instant;
import java.util.Comparator;

/**
 * How the checkpoints of one model line are ordered and which a recognizer may install at all: the
 * rules shared by the recognizers ({@code CheckpointPolicy}) and everything that replays the
 * checkpoints topic as they do ({@link ModelHistory}: {@code openmede model list}, the live page).
 */
public final class CheckpointOrder {
  private CheckpointOrder() {}

  /** The order of checkpoints of one model line: training updates, then creation time. */
  public static final Comparator<CheckpointAnnouncement> AGE =
      Comparator.<CheckpointAnnouncement>comparingLong(
              a -> a.getTraining() == null ? Long.MIN_VALUE : a.getTraining().getUpdates())
          .thenComparing(a -> a.getCreatedAt() == null ? Instant.MIN : a.getCreatedAt());

  /**
   * Whether {@code a} is a candidate the trainer's gate held back (and no operator promoted): never
   * installed. An announcement without a status predates the gate and counts as promoted.
   */
  public static boolean heldBack(CheckpointAnnouncement a) {
    return a.getStatus() == CheckpointStatus.HELD_BACK && a.getOperator() == null;
  }
}
