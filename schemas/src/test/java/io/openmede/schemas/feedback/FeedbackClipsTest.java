package io.openmede.schemas.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openmede.schemas.avro.Feedback;
import io.openmede.schemas.avro.FeedbackVerdict;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FeedbackClipsTest {

  static Feedback build(String stream, long first, long last, String label) {
    return FeedbackClips.build(
        stream, first, last, Optional.empty(), label, FeedbackVerdict.CORRECT, false, "test");
  }

  @Test
  void aGoodRecord_isBuiltWithTheCleanedLabel_andItsClipIdNamesStreamAndRange() {
    Feedback f =
        FeedbackClips.build(
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
    assertThat(FeedbackClips.clipId("cam-1", 16, 23)).isEqualTo("feedback:cam-1:16-23");
    assertThat(FeedbackClips.clipId("cam-1", 16, 23)).startsWith(FeedbackClips.PREFIX);
  }

  @Test
  void badWindowsAndLabels_areRefusedWithTheReason() {
    assertThatThrownBy(() -> build("", 0, 7, "waving")).hasMessageContaining("stream id");
    assertThatThrownBy(() -> build("c".repeat(201), 0, 7, "waving"))
        .hasMessageContaining("1 to 200");
    assertThatThrownBy(() -> build("cam", -1, 7, "waving")).hasMessageContaining("not a window");
    assertThatThrownBy(() -> build("cam", 8, 7, "waving")).hasMessageContaining("not a window");
    assertThatThrownBy(() -> build("cam", 0, 7, " ")).hasMessageContaining("must not be empty");
    assertThat(FeedbackClips.windowRefusal("cam", 0, 0)).isEmpty();
  }
}
