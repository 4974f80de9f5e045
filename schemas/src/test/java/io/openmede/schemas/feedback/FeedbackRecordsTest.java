package io.openmede.schemas.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openmede.schemas.avro.Feedback;
import io.openmede.schemas.avro.FeedbackVerdict;
import io.openmede.schemas.values.Identifiers;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FeedbackRecordsTest {

  static Feedback build(String stream, long first, long last, String label) {
    return FeedbackRecords.build(
        stream, first, last, Optional.empty(), label, FeedbackVerdict.CORRECT, false, "test");
  }

  @Test
  void aGoodRecord_isBuiltWithTheCleanedLabel_andItsClipIdNamesStreamAndRange() {
    Feedback f =
        FeedbackRecords.build(
            "cam-1",
            16,
            23,
            Optional.of(Instant.ofEpochMilli(1234)),
            "  sitting   down ",
            FeedbackVerdict.CONFIRM,
            true,
            "page");
    assertThat(f.getLabel()).isEqualTo("sitting down");
    assertThat(f.getFirstCaptureTime()).isEqualTo(1234L);
    assertThat(f.getAddToVocabulary()).isTrue();
    assertThat(Identifiers.feedbackClipId("cam-1", 16, 23)).isEqualTo("feedback:cam-1:16-23");
    assertThat(Identifiers.feedbackClipId("cam-1", 16, 23))
        .startsWith(Identifiers.FEEDBACK_CLIP_PREFIX);
  }

  @Test
  void badWindowsAndLabels_areRefusedWithTheReason() {
    assertThatThrownBy(() -> build("", 0, 7, "waving")).hasMessageContaining("stream id");
    assertThatThrownBy(() -> build("c".repeat(201), 0, 7, "waving"))
        .hasMessageContaining("1 to 200");
    assertThatThrownBy(() -> build("cam", -1, 7, "waving")).hasMessageContaining("not a window");
    assertThatThrownBy(() -> build("cam", 8, 7, "waving")).hasMessageContaining("not a window");
    assertThatThrownBy(() -> build("cam", 0, 7, " ")).hasMessageContaining("must not be empty");
    assertThat(Identifiers.feedbackWindowRefusal("cam", 0, 0)).isEmpty();
  }
}
