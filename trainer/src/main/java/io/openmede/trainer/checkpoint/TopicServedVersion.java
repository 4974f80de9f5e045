package io.openmede.trainer.checkpoint;

import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.OperatorDecision;
import io.openmede.schemas.checkpoint.CheckpointSigning;
import io.openmede.schemas.checkpoint.ModelHistory;
import io.openmede.schemas.checkpoint.OperatorDecisions;
import io.openmede.schemas.topic.Cluster;
import io.openmede.trainer.gate.ServedVersion;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.security.PublicKey;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the recognizers serve, read from the checkpoints topic each time it is asked: the topic is
 * replayed with the recognizers' rules ({@link ModelHistory}), counting only what a recognizer
 * would accept: operator decisions (promote, rollback, unpin) signed by one of the operators' keys,
 * and, when this trainer signs its announcements, only the trainer announcements its key signed.
 * With no operator key, no decision counts (recognizers without one refuse them all).
 *
 * <p>Each call reads the compacted topic from its beginning with a consumer of its own (no group):
 * the gate asks once per cycle. Thread-safe.
 */
public final class TopicServedVersion implements ServedVersion {

  private static final Logger LOG = LoggerFactory.getLogger(TopicServedVersion.class);

  private final Cluster cluster;
  private final String modelName;
  private final List<PublicKey> operatorKeys;
  private final Optional<PublicKey> trainerKey;

  /**
   * @param modelName the model line
   * @param operatorKeys the operators' public keys; empty: operator decisions do not count
   * @param trainerKey this trainer's public key when it signs: other trainer announcements do not
   *     count; empty: every trainer announcement counts
   */
  public TopicServedVersion(
      Cluster cluster,
      String modelName,
      List<PublicKey> operatorKeys,
      Optional<PublicKey> trainerKey) {
    this.cluster = cluster;
    this.modelName = modelName;
    this.operatorKeys = List.copyOf(operatorKeys);
    this.trainerKey = trainerKey;
  }

  @Override
  public Optional<String> now() {
    StringWriter skipped = new StringWriter();
    List<CheckpointAnnouncement> all;
    try (PrintWriter err = new PrintWriter(skipped)) {
      all = ModelHistory.read(cluster, err);
    }
    if (!skipped.toString().isBlank()) {
      LOG.debug("reading the checkpoints topic: {}", skipped.toString().strip());
    }
    return served(modelName, all, operatorKeys, trainerKey);
  }

  /**
   * The version a recognizer trusting {@code operatorKeys} (and {@code trainerKey}, when present)
   * serves after the announcements {@code inTopicOrder}.
   */
  public static Optional<String> served(
      String modelName,
      List<CheckpointAnnouncement> inTopicOrder,
      List<PublicKey> operatorKeys,
      Optional<PublicKey> trainerKey) {
    List<CheckpointAnnouncement> trusted =
        inTopicOrder.stream().filter(a -> counts(a, operatorKeys, trainerKey)).toList();
    return ModelHistory.of(modelName, trusted).serving();
  }

  private static boolean counts(
      CheckpointAnnouncement a, List<PublicKey> operatorKeys, Optional<PublicKey> trainerKey) {
    OperatorDecision op = a.getOperator();
    if (op != null) {
      return !operatorKeys.isEmpty()
          && op.getDecidedAt() != null
          && OperatorDecisions.ACTIONS.contains(op.getAction())
          && CheckpointSigning.refusal(a, operatorKeys).isEmpty();
    }
    return trainerKey.isEmpty()
        || CheckpointSigning.refusal(a, List.of(trainerKey.get())).isEmpty();
  }
}
