package io.openmede.schemas.checkpoint;

import io.openmede.platform.signing.KeyFiles;
import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.topic.AckedWriter;
import io.openmede.schemas.topic.Topic;
import io.openmede.settings.Settings;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
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

  private final AckedWriter<String, CheckpointAnnouncement> writer;
  private final KeyPair key;

  /**
   * @param kafkaClientConfig client properties (bootstrap, security)
   * @param topic the checkpoints topic
   * @param clientId the producer's client id
   * @param operatorKey the operator's key pair ({@link #signingKey})
   */
  public OperatorDecisionWriter(
      Map<String, Object> kafkaClientConfig,
      Topic<String, CheckpointAnnouncement> topic,
      String clientId,
      KeyPair operatorKey) {
    this.key = operatorKey;
    this.writer = new AckedWriter<>(kafkaClientConfig, topic, clientId);
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
   * @throws RefusedException when the version is not in the history, or nothing is pinned
   */
  public static ModelHistory.Entry target(
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
    ModelHistory.Entry target = target(h, action, version);
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
