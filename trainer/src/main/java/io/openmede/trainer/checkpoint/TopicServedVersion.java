package io.openmede.trainer.checkpoint;

import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.OperatorDecision;
import io.openmede.schemas.checkpoint.CheckpointSigning;
import io.openmede.schemas.checkpoint.ModelHistory;
import io.openmede.schemas.checkpoint.OperatorDecisions;
import io.openmede.schemas.topic.Cluster;
import io.openmede.trainer.gate.ServedVersion;
import java.io.PrintWriter;
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
    // one record at a time: anyone who can write the topic can fill it, and nothing of what is
    // untrusted is kept
    ModelHistory.Replay replay = new ModelHistory.Replay(modelName);
    long[] skipped = {0};
    try (PrintWriter err =
        new PrintWriter(
            new java.io.Writer() {
              @Override
              public void write(char[] b, int off, int len) {
                for (int i = off; i < off + len; i++) {
                  skipped[0] += b[i] == '\n' ? 1 : 0;
                }
              }

              @Override
              public void flush() {}

              @Override
              public void close() {}
            })) {
      ModelHistory.read(cluster, err, a -> apply(replay, modelName, a, operatorKeys, trainerKey));
    }
    if (skipped[0] > 0) {
      LOG.debug("reading the checkpoints topic: {} records are no announcements", skipped[0]);
    }
    return replay.serving();
  }

  private static void apply(
      ModelHistory.Replay replay,
      String modelName,
      CheckpointAnnouncement a,
      List<PublicKey> operatorKeys,
      Optional<PublicKey> trainerKey) {
    if (modelName.equals(a.getModelName()) && counts(a, operatorKeys, trainerKey)) {
      replay.accept(a);
    }
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
    ModelHistory.Replay replay = new ModelHistory.Replay(modelName);
    inTopicOrder.forEach(a -> apply(replay, modelName, a, operatorKeys, trainerKey));
    return replay.serving();
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
