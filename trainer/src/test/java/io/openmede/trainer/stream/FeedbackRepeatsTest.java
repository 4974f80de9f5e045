package io.openmede.trainer.stream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FeedbackRepeatsTest {

  private static DecodedClip clip(String id, String label) {
    return new DecodedClip(id, label, 0, "train", new float[0], 1, id);
  }

  @Test
  void aWindowWithTheSameLabel_isARepeat_aChangedLabelIsNot() {
    FeedbackRepeats repeats = new FeedbackRepeats();
    assertThat(repeats.repeat(clip("feedback:cam:0-7", "waving"))).isFalse();
    assertThat(repeats.repeat(clip("feedback:cam:0-7", "waving"))).isTrue();
    assertThat(repeats.repeat(clip("feedback:cam:0-7", "jumping"))).isFalse();
    assertThat(repeats.repeat(clip("feedback:cam:8-15", "jumping"))).isFalse();
    assertThat(repeats.repeats()).isEqualTo(1);
  }
}
