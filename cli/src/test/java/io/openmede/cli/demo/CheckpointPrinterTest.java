package io.openmede.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.CheckpointStatus;
import io.openmede.schemas.avro.GateDecision;
import io.openmede.schemas.avro.OperatorDecision;
import io.openmede.schemas.avro.TrainingSummary;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CheckpointPrinterTest {

  static CheckpointAnnouncement announcement(CheckpointStatus status) {
    return CheckpointAnnouncement.newBuilder()
        .setModelName("openmede-tiny")
        .setVersion("openmede-tiny-u000000040-open-mede")
        .setUri("file:///c/w.safetensors")
        .setSha256("0".repeat(64))
        .setSizeBytes(10)
        .setPreset("tiny")
        .setTraining(
            new TrainingSummary(
                "open-mede", 40L, 320L, Map.of(), 15.0, 10.0, 4, 5, 1e-4, 1e-4, 1.67e-3))
        .setCreatedAt(Instant.EPOCH)
        .setStatus(status)
        .setGate(
            GateDecision.newBuilder()
                .setServingVersion("openmede-tiny-u000000020-open-mede")
                .setReason("guard top-1 fell by 0.250")
                .setFigures(
                    Map.of(
                        "guard.candidate.top1", 0.25,
                        "guard.serving.top1", 0.5,
                        "guard.videos", 8.0,
                        "guard.p-worse", 0.031))
                .build())
        .build();
  }

  @Test
  void line_heldBack_saysSo_withTheFiguresAndWhatServes() {
    assertThat(CheckpointPrinter.line(announcement(CheckpointStatus.HELD_BACK)))
        .contains("openmede-tiny-u000000040-open-mede HELD BACK")
        .contains("guard 0.250/0.500 n=8 p=0.031")
        .contains("guard top-1 fell")
        .contains("recognizers keep openmede-tiny-u000000020-open-mede");
  }

  @Test
  void line_promoted_namesTheVersionComparedWith() {
    assertThat(CheckpointPrinter.line(announcement(CheckpointStatus.PROMOTED)))
        .contains("promoted against openmede-tiny-u000000020-open-mede")
        .doesNotContain("recognizers keep");
  }

  @Test
  void line_operatorDecision_namesTheActionAndKey() {
    CheckpointAnnouncement a = announcement(CheckpointStatus.PROMOTED);
    a.setOperator(
        OperatorDecision.newBuilder()
            .setAction("rollback")
            .setPinned(true)
            .setKeyId("abcd")
            .setDecidedAt(Instant.EPOCH)
            .build());
    assertThat(CheckpointPrinter.line(a)).contains("operator rollback of checkpoint", "key abcd");
  }
}
