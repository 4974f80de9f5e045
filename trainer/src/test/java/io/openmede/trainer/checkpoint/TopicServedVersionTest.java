package io.openmede.trainer.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.platform.signing.KeyFiles;
import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.CheckpointStatus;
import io.openmede.schemas.avro.TrainingSummary;
import io.openmede.schemas.checkpoint.CheckpointSigning;
import io.openmede.schemas.checkpoint.OperatorDecisions;
import io.openmede.schemas.checkpoint.OperatorDecisions.Action;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the trainer's gate takes as served, from the announcements a topic holds (no broker). */
class TopicServedVersionTest {

  static final String LINE = "openmede-tiny";
  final KeyPair trainer = KeyFiles.generate();
  final KeyPair operator = KeyFiles.generate();

  CheckpointAnnouncement trainer(String version, long updates, CheckpointStatus status) {
    CheckpointAnnouncement a =
        CheckpointAnnouncement.newBuilder()
            .setModelName(LINE)
            .setVersion(version)
            .setUri("file:///ckpt/" + version + ".safetensors")
            .setSha256("00")
            .setSizeBytes(1)
            .setPreset("tiny")
            .setTraining(
                new TrainingSummary("plain", updates, 0L, Map.of(), 0.0, 1.0, 1, 1, 0.0, 0.0, 0.0))
            .setCreatedAt(Instant.ofEpochSecond(updates))
            .setStatus(status)
            .build();
    a.setSignature(CheckpointSigning.sign(a, trainer));
    return a;
  }

  Optional<String> served(List<CheckpointAnnouncement> topic, KeyPair... operators) {
    return TopicServedVersion.served(
        LINE,
        topic,
        java.util.Arrays.stream(operators).map(KeyPair::getPublic).toList(),
        Optional.of(trainer.getPublic()));
  }

  @Test
  void withoutDecisions_theTrainersLastPromoted_notAHeldBackOne() {
    CheckpointAnnouncement p1 = trainer("u10", 10, CheckpointStatus.PROMOTED);
    CheckpointAnnouncement h2 = trainer("u20", 20, CheckpointStatus.HELD_BACK);
    assertThat(served(List.of(p1, h2), operator)).contains("u10");
    assertThat(served(List.of())).isEmpty();
  }

  @Test
  void rollbackSignedByAnOperatorKey_servesThatVersion_andPinsItAgainstLaterPromotions() {
    CheckpointAnnouncement p1 = trainer("u10", 10, CheckpointStatus.PROMOTED);
    CheckpointAnnouncement p2 = trainer("u20", 20, CheckpointStatus.PROMOTED);
    CheckpointAnnouncement back =
        OperatorDecisions.decide(p1, Action.ROLLBACK, Instant.ofEpochSecond(25), operator);
    CheckpointAnnouncement p3 = trainer("u30", 30, CheckpointStatus.PROMOTED);
    assertThat(served(List.of(p1, p2, back), operator)).contains("u10");
    assertThat(served(List.of(p1, p2, back, p3), operator)).as("pinned").contains("u10");
    CheckpointAnnouncement unpin =
        OperatorDecisions.decide(p1, Action.UNPIN, Instant.ofEpochSecond(40), operator);
    assertThat(served(List.of(p1, p2, back, p3, unpin), operator)).contains("u30");
  }

  @Test
  void promoteOfAHeldBackCandidate_servesIt() {
    CheckpointAnnouncement p1 = trainer("u10", 10, CheckpointStatus.PROMOTED);
    CheckpointAnnouncement h2 = trainer("u20", 20, CheckpointStatus.HELD_BACK);
    CheckpointAnnouncement promote =
        OperatorDecisions.decide(h2, Action.PROMOTE, Instant.ofEpochSecond(25), operator);
    assertThat(served(List.of(p1, h2, promote), operator)).contains("u20");
  }

  @Test
  void aDecisionSignedByAnUnknownKey_orWithNoOperatorKey_doesNotCount() {
    CheckpointAnnouncement p1 = trainer("u10", 10, CheckpointStatus.PROMOTED);
    CheckpointAnnouncement p2 = trainer("u20", 20, CheckpointStatus.PROMOTED);
    CheckpointAnnouncement forged =
        OperatorDecisions.decide(p1, Action.ROLLBACK, Instant.ofEpochSecond(25), trainer);
    assertThat(served(List.of(p1, p2, forged), operator)).contains("u20");
    CheckpointAnnouncement signed =
        OperatorDecisions.decide(p1, Action.ROLLBACK, Instant.ofEpochSecond(25), operator);
    assertThat(served(List.of(p1, p2, signed))).as("no operator key").contains("u20");
  }

  @Test
  void aTrainerAnnouncementNotSignedByThisTrainer_doesNotCount() {
    CheckpointAnnouncement p1 = trainer("u10", 10, CheckpointStatus.PROMOTED);
    CheckpointAnnouncement other = trainer("u90", 90, CheckpointStatus.PROMOTED);
    other.setSignature(CheckpointSigning.sign(other, operator));
    assertThat(served(List.of(p1, other), operator)).contains("u10");
  }
}
