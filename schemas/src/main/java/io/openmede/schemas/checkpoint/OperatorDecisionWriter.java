package io.openmede.schemas.checkpoint;

import io.openmede.platform.signing.KeyFiles;
import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.topic.AckedWriter;
import io.openmede.schemas.topic.Topic;
import io.openmede.settings.Settings;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Publishes an operator's decisions on a model line (promote, rollback, unpin; see {@link
 * OperatorDecisions}) on the checkpoints topic, signed by the operator's key ({@link
 * OperatorSettings#SIGNING_KEY}): what {@code openmede model promote|rollback|unpin} and the live
 * page's buttons do, judged against the same {@link ModelHistory}.
 *
 * <p>Thread-safe; {@link #publish} waits for the broker's ack. Lifecycle: close when done.
 */
public final class OperatorDecisionWriter implements AutoCloseable {

  /** The setting that recognizers list the operator's public keys in. */
  public static final String RECOGNIZER_OPERATOR_KEYS = "recognizer.checkpoints.operator-keys";

  /**
   * A decision that cannot be made on the history: an unknown version, or an unpin with nothing
   * pinned. The message says which versions are known, or what is pinned.
   */
  public static final class RefusedException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final boolean unknownVersion;

    RefusedException(String message, boolean unknownVersion) {
      super(message);
      this.unknownVersion = unknownVersion;
    }

    /** Whether the version named is not on the checkpoints topic. */
    public boolean unknownVersion() {
      return unknownVersion;
    }
  }

  /** The setting that recognizers list the trainers' public keys in. */
  public static final String RECOGNIZER_TRUSTED_KEYS = "recognizer.checkpoints.trusted-keys";

  private final AckedWriter<String, CheckpointAnnouncement> writer;
  private final KeyPair key;
  private final List<PublicKey> trainerKeys;

  /**
   * @param kafkaClientConfig client properties (bootstrap, security)
   * @param topic the checkpoints topic
   * @param clientId the producer's client id
   * @param operatorKey the operator's key pair ({@link #signingKey})
   * @param trainerKeys the trainers' public keys the recognizers trust ({@link #trainerKeys}): a
   *     version is signed only when its trainer announcement verifies with one of them; empty: as
   *     the topic holds it (recognizers that check no signature install it either way)
   */
  public OperatorDecisionWriter(
      Map<String, Object> kafkaClientConfig,
      Topic<String, CheckpointAnnouncement> topic,
      String clientId,
      KeyPair operatorKey,
      List<PublicKey> trainerKeys) {
    this.key = operatorKey;
    this.trainerKeys = List.copyOf(trainerKeys);
    this.writer = new AckedWriter<>(kafkaClientConfig, topic, clientId);
  }

  /**
   * The trainers' public keys in {@code files} (the recognizers' {@value
   * #RECOGNIZER_TRUSTED_KEYS}).
   *
   * @throws IllegalArgumentException when one cannot be read, with the fix in the message
   */
  public static List<PublicKey> trainerKeys(List<String> files) {
    List<PublicKey> keys = new ArrayList<>();
    for (String f : files) {
      try {
        keys.add(KeyFiles.readPublic(Path.of(f)));
      } catch (IOException e) {
        throw new IllegalArgumentException(
            RECOGNIZER_TRUSTED_KEYS
                + ": "
                + e.getMessage()
                + "; give the trainer's public key file (NAME.pub from openmede keys generate)",
            e);
      }
    }
    return keys;
  }

  /** What to do when no operator key is configured: the setting to set and the key to make. */
  public static String missingKeyMessage() {
    return "no operator key: set "
        + OperatorSettings.SIGNING_KEY.name()
        + " (or OPENMEDE_OPERATOR_SIGNING_KEY) to the operator's private key; make one with"
        + " 'openmede keys generate --operator' and list its .pub in every recognizer's "
        + RECOGNIZER_OPERATOR_KEYS;
  }

  /**
   * The operator's key pair named by {@link OperatorSettings#SIGNING_KEY}, empty when none is
   * configured.
   *
   * @throws IllegalArgumentException when the files cannot be read, with the fix in the message
   */
  public static Optional<KeyPair> signingKey(Settings s) {
    Optional<String> file = s.get(OperatorSettings.SIGNING_KEY);
    if (file.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(KeyFiles.readPair(Path.of(file.get())));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          OperatorSettings.SIGNING_KEY.name()
              + ": "
              + e.getMessage()
              + "; make a pair with 'openmede keys generate --operator'",
          e);
    }
  }

  /** The id of the operator's key, as recognizers log it. */
  public String keyId() {
    return CheckpointSigning.keyId(key.getPublic());
  }

  /**
   * The entry {@code action} applies to: {@code version}'s for promote and rollback, the pinned
   * serving version's for unpin ({@code version} is then ignored).
   *
   * @param trainerKeys the trainers' keys the recognizers trust; when any, the entry's announcement
   *     must be the trainer's, signed by one of them
   * @throws RefusedException when the version is not in the history, nothing is pinned, or the
   *     version's announcement is not signed by one of {@code trainerKeys}
   */
  public static ModelHistory.Entry target(
      ModelHistory h,
      OperatorDecisions.Action action,
      Optional<String> version,
      List<PublicKey> trainerKeys) {
    ModelHistory.Entry e = entry(h, action, version);
    if (!trainerKeys.isEmpty()) {
      // the operator's signature would make recognizers install whatever this announcement names:
      // it must be the trainer's own, not a copy written by anyone who can write the topic
      CheckpointAnnouncement a = e.announcement();
      Optional<String> forged =
          a.getOperator() != null
              ? Optional.of(
                  "the topic holds only operator decisions on it, no trainer announcement")
              : CheckpointSigning.refusal(a, trainerKeys);
      if (forged.isPresent()) {
        throw new RefusedException(
            "model "
                + action.word()
                + ": version "
                + e.version()
                + " of "
                + h.model()
                + " is not signed by a trainer key the recognizers trust ("
                + RECOGNIZER_TRUSTED_KEYS
                + "): "
                + forged.get()
                + "; an operator signs only checkpoints the trainer announced",
            false);
      }
    }
    return e;
  }

  private static ModelHistory.Entry entry(
      ModelHistory h, OperatorDecisions.Action action, Optional<String> version) {
    if (action == OperatorDecisions.Action.UNPIN) {
      if (!h.pinned() || h.serving().isEmpty()) {
        throw new RefusedException(
            "model unpin: nothing of "
                + h.model()
                + " is pinned on the checkpoints topic (openmede model list shows the decisions)",
            false);
      }
      return h.find(h.serving().get()).orElseThrow();
    }
    String v =
        version.orElseThrow(
            () -> new RefusedException("model " + action.word() + " needs a version", true));
    return h.find(v)
        .orElseThrow(
            () ->
                new RefusedException(
                    "model: version "
                        + v
                        + " is not on the checkpoints topic for "
                        + h.model()
                        + " (known: "
                        + (h.entries().isEmpty()
                            ? "none"
                            : String.join(
                                ", ",
                                h.entries().stream().map(ModelHistory.Entry::version).toList()))
                        + "); openmede model list shows the history",
                    true));
  }

  /**
   * Signs {@code action} on the {@link #target} of {@code version} in {@code h}, decided now, and
   * publishes it under the line's operator key ({@link OperatorDecisions#key}).
   *
   * @return the announcement published
   * @throws RefusedException when the history has no such target
   * @throws IllegalStateException when the broker did not take it
   */
  public CheckpointAnnouncement publish(
      ModelHistory h, OperatorDecisions.Action action, Optional<String> version) {
    ModelHistory.Entry target = target(h, action, version, trainerKeys);
    CheckpointAnnouncement decision =
        OperatorDecisions.decide(target.announcement(), action, Instant.now(), key);
    writer.send(OperatorDecisions.key(h.model()), decision);
    return decision;
  }

  @Override
  public void close() {
    writer.close();
  }
}
