package io.openmede.recognizer.swap;

import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.checkpoint.CheckpointOrder;
import io.openmede.schemas.checkpoint.CheckpointSigning;
import io.openmede.schemas.checkpoint.OperatorDecisions;
import java.security.PublicKey;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which announcements a recognizer acts on at all, judged before anything is fetched: a trainer's
 * announcement signed by a trusted key when keys are configured, and not older than the serving
 * checkpoint (by training updates, then creation time) unless downgrades are allowed; an operator's
 * decision ({@code operator} set) signed by a trusted operator key, always (with no operator key
 * configured, every operator decision is refused).
 *
 * @param trustedKeys Ed25519 public keys, one of which must have signed a trainer's announcement;
 *     empty: no signature is required
 * @param allowDowngrade whether an announcement older than the serving one is installed
 * @param operatorKeys Ed25519 public keys of the operators, one of which must have signed an
 *     operator decision (promote, rollback, unpin); the trainer's keys do not count
 */
public record CheckpointPolicy(
    List<PublicKey> trustedKeys, boolean allowDowngrade, List<PublicKey> operatorKeys) {

  /** Requires no signature and refuses downgrades; trusts no operator. */
  public static final CheckpointPolicy UNSIGNED = new CheckpointPolicy(List.of(), false);

  /** The operator actions: promote (install), rollback (install and pin), unpin. */
  public static final List<String> OPERATOR_ACTIONS = OperatorDecisions.ACTIONS;

  /** A policy that trusts no operator key. */
  public CheckpointPolicy(List<PublicKey> trustedKeys, boolean allowDowngrade) {
    this(trustedKeys, allowDowngrade, List.of());
  }

  /** The order of checkpoints of one model line: training updates, then creation time. */
  public static final Comparator<CheckpointAnnouncement> AGE = CheckpointOrder.AGE;

  public CheckpointPolicy {
    trustedKeys = List.copyOf(trustedKeys);
    operatorKeys = List.copyOf(operatorKeys);
  }

  /**
   * Why the operator decision {@code a} is not applied, or empty when it may be: it must be signed
   * by a trusted operator key, name a known action, pin exactly when it rolls back, and carry the
   * time it was decided.
   */
  public Optional<CheckpointRefusedException> operatorRefusal(CheckpointAnnouncement a) {
    String version = a.getVersion();
    if (a.getOperator() == null) {
      return Optional.of(
          new CheckpointRefusedException(version, "operator", "it is not an operator decision"));
    }
    if (operatorKeys.isEmpty()) {
      return Optional.of(
          new CheckpointRefusedException(
              version,
              "operator-untrusted",
              "an operator decision ("
                  + a.getOperator().getAction()
                  + "), and this recognizer trusts no operator key: set"
                  + " recognizer.checkpoints.operator-keys to the operators' public key files"
                  + " (NAME.pub from openmede keys generate --operator)"));
    }
    Optional<String> bad = CheckpointSigning.refusal(a, operatorKeys);
    if (bad.isPresent()) {
      return Optional.of(
          new CheckpointRefusedException(
              version,
              "operator-signature",
              "an operator decision ("
                  + a.getOperator().getAction()
                  + ") not signed by a trusted operator key: "
                  + bad.get()
                  + "; add the operator's NAME.pub to recognizer.checkpoints.operator-keys if it"
                  + " should be trusted"));
    }
    String action = a.getOperator().getAction();
    if (!OPERATOR_ACTIONS.contains(action)) {
      return Optional.of(
          new CheckpointRefusedException(
              version,
              "operator-action",
              "unknown operator action '"
                  + action
                  + "' (expected one of "
                  + String.join(", ", OPERATOR_ACTIONS)
                  + ")"));
    }
    if (a.getOperator().getPinned() != action.equals("rollback")) {
      return Optional.of(
          new CheckpointRefusedException(
              version,
              "operator-action",
              "a " + action + " that " + (a.getOperator().getPinned() ? "pins" : "does not pin")));
    }
    if (a.getOperator().getDecidedAt() == null
        || a.getOperator().getDecidedAt().toEpochMilli() <= 0) {
      return Optional.of(
          new CheckpointRefusedException(
              version, "operator-action", "the operator decision carries no time"));
    }
    return Optional.empty();
  }

  /**
   * Whether {@code a} is a candidate the trainer's gate held back (and no operator promoted): never
   * installed. An announcement without a status predates the gate and counts as promoted.
   */
  public static boolean heldBack(CheckpointAnnouncement a) {
    return CheckpointOrder.heldBack(a);
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
                  + "); to serve it, an operator rolls back: openmede model rollback "
                  + version
                  + " (or set recognizer.checkpoints.allow-downgrade=true to install older"
                  + " checkpoints, for a trainer started afresh on the same model line)"));
    }
    return Optional.empty();
  }

  private static String updates(CheckpointAnnouncement a) {
    return a.getTraining() == null ? "unknown" : Long.toString(a.getTraining().getUpdates());
  }
}
