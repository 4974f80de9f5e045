package io.openmede.schemas.checkpoint;

import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.OperatorDecision;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * An operator's decision on a model line, announced on the checkpoints topic: a copy of an existing
 * checkpoint's announcement (same version, weights, preset, training summary, gate status and
 * open-set thresholds) with an {@link OperatorDecision} and a signature by the operator's key,
 * which recognizers check against their trusted operator keys, not the trainer's.
 *
 * <ul>
 *   <li>{@code promote}: install this version, even if the trainer's gate held it back; ends a pin;
 *   <li>{@code rollback}: install this version, even if it is older than the serving one, and pin
 *       it: trainer checkpoints are not installed until an {@code unpin};
 *   <li>{@code unpin}: follow the trainer's checkpoints again.
 * </ul>
 *
 * <p>Decisions are keyed {@code NAME#operator} on the compacted topic, so that the latest decision
 * survives compaction beside the trainer's latest checkpoint ({@code NAME}) and its latest
 * held-back candidate ({@code NAME#held-back}).
 */
public final class OperatorDecisions {

  /** The operator actions. */
  public enum Action {
    PROMOTE,
    ROLLBACK,
    UNPIN;

    /** The action's name in announcements and on the command line. */
    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Every action's word, in order. */
  public static final List<String> ACTIONS =
      List.of(Action.PROMOTE.word(), Action.ROLLBACK.word(), Action.UNPIN.word());

  private OperatorDecisions() {}

  /** The record key of operator decisions of {@code modelName}. */
  public static String key(String modelName) {
    return modelName + "#operator";
  }

  /**
   * The signed announcement of {@code action} on {@code checkpoint}, decided at {@code at}.
   *
   * @param checkpoint the trainer's announcement of the version (or a decision on it: its operator
   *     part and signature are replaced)
   */
  public static CheckpointAnnouncement decide(
      CheckpointAnnouncement checkpoint, Action action, Instant at, KeyPair operatorKey) {
    CheckpointAnnouncement a = CheckpointAnnouncement.newBuilder(checkpoint).build();
    a.setOperator(
        OperatorDecision.newBuilder()
            .setAction(action.word())
            .setPinned(action == Action.ROLLBACK)
            .setKeyId(CheckpointSigning.keyId(operatorKey.getPublic()))
            .setDecidedAt(Instant.ofEpochMilli(at.toEpochMilli()))
            .build());
    a.setSignature(null);
    a.setSignature(CheckpointSigning.sign(a, operatorKey));
    return a;
  }
}
