package io.openmede.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BackpropTest {

  @Test
  void top1Correct_countsRowsWhoseLargestEntryIsTheLabel_firstOnTies() {
    float[] logits = {
      0.1f, 0.9f, 0.0f, // row 0: best 1
      0.5f, 0.5f, 0.2f, // row 1: tie of 0 and 1, the first counts
      0.0f, 0.1f, 0.3f // row 2: best 2
    };
    int[] labels = {1, 1, 2};
    assertThat(Backprop.top1Correct(logits, 3, 3, i -> labels[i])).isEqualTo(2);
    assertThat(Backprop.top1Correct(logits, 3, 3, i -> 0)).isEqualTo(1);
  }
}
