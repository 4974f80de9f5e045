package io.openmede.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.trainer.stream.DecodedClip;
import org.junit.jupiter.api.Test;

class HeldOutClipsTest {

  private static DecodedClip clip(String id, String label, String split, String video) {
    return new DecodedClip(id, label, 0, split, new float[0], 1, video);
  }

  @Test
  void streamClips_areKeptUpToTheLimit() {
    HeldOutClips held = new HeldOutClips(2);
    for (int i = 0; i < 3; i++) {
      assertThat(held.offer(clip("c" + i, "waving", "test", "v" + i))).isEmpty();
    }
    assertThat(held.stream()).extracting(DecodedClip::clipId).containsExactly("c0", "c1");
    assertThat(held.feedback()).isEmpty();
  }

  @Test
  void aViewOfAVideoUnderAnotherLabel_isRefused_aViewUnderItsLabelJoins() {
    HeldOutClips held = new HeldOutClips(10);
    assertThat(held.offer(clip("a", "waving", "test", "video-1"))).isEmpty();
    assertThat(held.offer(clip("b", "waving", "test", "video-1"))).isEmpty();
    assertThat(held.offer(clip("c", "jumping", "test", "video-1")))
        .get()
        .asString()
        .contains("video-1")
        .contains("the views of one video must share its label");
    assertThat(held.stream()).extracting(DecodedClip::clipId).containsExactly("a", "b");
  }

  @Test
  void feedbackClips_onePerWindow_aCorrectionReplacesItsClip_evenWhenFull() {
    HeldOutClips held = new HeldOutClips(1);
    assertThat(held.offer(clip("feedback:cam:0-7", "waving", "feedback-eval", "w1"))).isEmpty();
    assertThat(held.offer(clip("feedback:cam:8-15", "waving", "feedback-eval", "w2"))).isEmpty();
    // the same window corrected: its video id is the window's, so the new label replaces the old
    assertThat(held.offer(clip("feedback:cam:0-7", "jumping", "feedback-eval", "w1"))).isEmpty();
    assertThat(held.feedback()).extracting(DecodedClip::label).containsExactly("jumping");
    assertThat(held.stream()).isEmpty();
  }

  @Test
  void negativeClips_areKeptApart_oneperClipId_upToTheLimit() {
    HeldOutClips held = new HeldOutClips(2);
    assertThat(held.offer(clip("n0", "waving", "negative", "v0"))).isEmpty();
    assertThat(held.offer(clip("n0", "jumping", "negative", "v0"))).isEmpty(); // replaces
    assertThat(held.offer(clip("n1", "waving", "negative", "v1"))).isEmpty();
    assertThat(held.offer(clip("n2", "waving", "negative", "v2"))).isEmpty(); // no room
    assertThat(held.negatives()).extracting(DecodedClip::clipId).containsExactly("n0", "n1");
    assertThat(held.negatives().get(0).label()).isEqualTo("jumping");
    assertThat(held.stream()).isEmpty();
    assertThat(held.feedback()).isEmpty();
  }
}
