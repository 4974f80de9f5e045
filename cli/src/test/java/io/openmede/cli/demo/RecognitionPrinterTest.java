package io.openmede.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.schemas.avro.LabelScore;
import io.openmede.schemas.avro.Recognition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecognitionPrinterTest {

  static Recognition recognition(Double calibrated, boolean unknown) {
    return Recognition.newBuilder()
        .setStreamId("video")
        .setWindowStart(Instant.EPOCH)
        .setWindowEnd(Instant.EPOCH)
        .setFirstSequence(0)
        .setLastSequence(7)
        .setTop(List.of(new LabelScore("waving", 0.91, 0.3, calibrated)))
        .setModelVersion("v2")
        .setVocabularyVersion(13)
        .setProcessingLatencyMs(40)
        .setRecognizedAt(Instant.EPOCH)
        .setUnknown(unknown)
        .setOpenSetScore(calibrated == null ? null : "max-softmax")
        .build();
  }

  @Test
  void line_unknownWindow_saysNothingRecognized_withTheClosestLabelAndItsScore() {
    assertThat(RecognitionPrinter.line(recognition(0.21, true)))
        .contains("nothing recognized (waving)")
        .contains("p=0.91 score=0.21");
  }

  @Test
  void line_withoutThresholds_isTheTopLabel() {
    assertThat(RecognitionPrinter.line(recognition(null, false)))
        .contains("waving")
        .contains("p=0.91 cos=")
        .doesNotContain("nothing recognized")
        .doesNotContain("score=");
  }
}
