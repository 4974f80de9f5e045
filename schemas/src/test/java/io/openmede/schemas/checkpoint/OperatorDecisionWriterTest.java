package io.openmede.schemas.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openmede.platform.signing.KeyFiles;
import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.CheckpointStatus;
import io.openmede.schemas.avro.TrainingSummary;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What an operator signs: a promote or rollback makes every recognizer trusting the operator key
 * install what the signed announcement names, so the announcement must be the trainer's own.
 */
class OperatorDecisionWriterTest {

  private static final String LINE = "openmede-tiny";
  private static final KeyPair TRAINER = KeyFiles.generate();
  private static final KeyPair OPERATOR = KeyFiles.generate();

  private static CheckpointAnnouncement announcement(String version, String sha, KeyPair key) {
    CheckpointAnnouncement a =
        CheckpointAnnouncement.newBuilder()
            .setModelName(LINE)
            .setVersion(version)
            .setUri("file:///store/" + version + "/weights.safetensors")
            .setSha256(sha.repeat(32))
            .setSizeBytes(1000)
            .setPreset("tiny")
            .setTraining(
                TrainingSummary.newBuilder()
                    .setMethod("open-mede")
                    .setUpdates(40)
                    .setClips(320)
                    .setOffsets(Map.of())
                    .setMu(1)
                    .setSigma(1)
                    .setCycleSnapshots(2)
                    .setSnapshotInterval(10)
                    .setAlpha(1e-4)
                    .setBeta(1e-4)
                    .setDelta(1.67e-3)
                    .build())
            .setCreatedAt(Instant.ofEpochMilli(1_700_000_000_000L))
            .setStatus(CheckpointStatus.PROMOTED)
            .build();
    if (key != null) {
      a.setSignature(CheckpointSigning.sign(a, key));
    }
    return a;
  }

  @Test
  void aVersionAnnouncedAgainWithOtherWeights_keepsItsFirstAnnouncement() {
    CheckpointAnnouncement real = announcement("u40", "ab", TRAINER);
    CheckpointAnnouncement copy = announcement("u40", "66", null);
    ModelHistory h = ModelHistory.of(LINE, List.of(real, copy));
    ModelHistory.Entry e =
        OperatorDecisionWriter.target(
            h, OperatorDecisions.Action.PROMOTE, Optional.of("u40"), List.of());
    // before, the last announcement won: a promote signed the copy's weights
    assertThat(e.announcement().getSha256()).isEqualTo("ab".repeat(32));
    CheckpointAnnouncement decision =
        OperatorDecisions.decide(
            e.announcement(), OperatorDecisions.Action.PROMOTE, Instant.now(), OPERATOR);
    assertThat(decision.getSha256()).isEqualTo("ab".repeat(32));
  }

  @Test
  void withTheTrainersKeys_aVersionTheTrainerDidNotSign_isRefused_andItsOwnIsSigned() {
    List<CheckpointAnnouncement> topic =
        List.of(
            announcement("u40", "ab", TRAINER),
            announcement("u80", "66", null), // anyone who can write the topic
            announcement("u90", "77", KeyFiles.generate()));
    ModelHistory h = ModelHistory.of(LINE, topic);
    List<java.security.PublicKey> trusted = List.of(TRAINER.getPublic());
    for (String forged : List.of("u80", "u90")) {
      for (OperatorDecisions.Action action :
          List.of(OperatorDecisions.Action.PROMOTE, OperatorDecisions.Action.ROLLBACK)) {
        assertThatThrownBy(
                () -> OperatorDecisionWriter.target(h, action, Optional.of(forged), trusted))
            .isInstanceOf(OperatorDecisionWriter.RefusedException.class)
            .hasMessageContaining("version " + forged)
            .hasMessageContaining("recognizer.checkpoints.trusted-keys")
            .satisfies(
                x ->
                    assertThat(((OperatorDecisionWriter.RefusedException) x).unknownVersion())
                        .isFalse());
      }
    }
    assertThat(
            OperatorDecisionWriter.target(
                    h, OperatorDecisions.Action.ROLLBACK, Optional.of("u40"), trusted)
                .announcement()
                .getSha256())
        .isEqualTo("ab".repeat(32));
  }

  @Test
  void withTheTrainersKeys_aVersionTheTopicHoldsOnlyAsAnOperatorCopy_isRefused() {
    CheckpointAnnouncement onlyCopy =
        OperatorDecisions.decide(
            announcement("u20", "cd", null),
            OperatorDecisions.Action.PROMOTE,
            Instant.ofEpochMilli(1_700_000_100_000L),
            KeyFiles.generate());
    ModelHistory h = ModelHistory.of(LINE, List.of(onlyCopy));
    assertThatThrownBy(
            () ->
                OperatorDecisionWriter.target(
                    h,
                    OperatorDecisions.Action.PROMOTE,
                    Optional.of("u20"),
                    List.of(TRAINER.getPublic())))
        .hasMessageContaining("only operator decisions");
  }
}
