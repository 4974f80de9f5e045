package io.openmede.recognizer.swap;

import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.CheckpointStatus;
import io.openmede.schemas.checkpoint.CheckpointSigning;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which announcements a recognizer acts on at all, judged before anything is fetched: signed by a
 * trusted key when keys are configured, and not older than the serving checkpoint (by training
 * updates, then creation time) unless downgrades are allowed.
 *
 * @param trustedKeys Ed25519 public keys, one of which must have signed an announcement; empty: no
 *     signature is required
 * @param allowDowngrade whether an announcement older than the serving one is installed
 */
public record CheckpointPolicy(List<PublicKey> trustedKeys, boolean allowDowngrade) {

  /** Requires no signature and refuses downgrades. */
  public static final CheckpointPolicy UNSIGNED = new CheckpointPolicy(List.of(), false);

  /** The order of checkpoints of one model line: training updates, then creation time. */
  static final Comparator<CheckpointAnnouncement> AGE =
      Comparator.<CheckpointAnnouncement>comparingLong(
              a -> a.getTraining() == null ? Long.MIN_VALUE : a.getTraining().getUpdates())
          .thenComparing(a -> a.getCreatedAt() == null ? Instant.MIN : a.getCreatedAt());

  public CheckpointPolicy {
    trustedKeys = List.copyOf(trustedKeys);
  }

  /**
   * Whether {@code a} is a candidate the trainer's gate held back (and no operator promoted): never
   * installed. An announcement without a status predates the gate and counts as promoted.
   */
  public static boolean heldBack(CheckpointAnnouncement a) {
    return a.getStatus() == CheckpointStatus.HELD_BACK && a.getOperator() == null;
  }

  /** Whether announcements must be signed. */
  public boolean requiresSignatures() {
    return !trustedKeys.isEmpty();
  }

  /**
   * Why {@code a} is not installed while {@code serving} serves, or empty when it may be.
   *
   * @param serving the announcement of the serving checkpoint; empty for the initial weights
   */
  public Optional<CheckpointRefusedException> refusal(
      CheckpointAnnouncement a, Optional<CheckpointAnnouncement> serving) {
    String version = a.getVersion();
    if (requiresSignatures()) {
      Optional<String> bad = CheckpointSigning.refusal(a, trustedKeys);
      if (bad.isPresent()) {
        String reason =
            a.getSignature() == null || a.getSignature().isEmpty() ? "unsigned" : "signature";
        return Optional.of(new CheckpointRefusedException(version, reason, bad.get()));
      }
    }
    if (heldBack(a)) {
      return Optional.of(
          new CheckpointRefusedException(
              version,
              "held-back",
              "the trainer's gate held it back ("
                  + (a.getGate() == null ? "no reason given" : a.getGate().getReason())
                  + "); an operator may promote it: openmede model promote "
                  + version));
    }
    if (!allowDowngrade && serving.isPresent() && AGE.compare(a, serving.get()) < 0) {
      CheckpointAnnouncement s = serving.get();
      return Optional.of(
          new CheckpointRefusedException(
              version,
              "downgrade",
              "it is older ("
                  + updates(a)
                  + " updates, created "
                  + a.getCreatedAt()
                  + ") than the serving "
                  + s.getVersion()
                  + " ("
                  + updates(s)
                  + " updates, created "
                  + s.getCreatedAt()
                  + "); set recognizer.checkpoints.allow-downgrade=true to install older"
                  + " checkpoints (a trainer started afresh on the same model line, a rollback)"));
    }
    return Optional.empty();
  }

  private static String updates(CheckpointAnnouncement a) {
    return a.getTraining() == null ? "unknown" : Long.toString(a.getTraining().getUpdates());
  }
}
