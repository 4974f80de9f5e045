package io.openmede.recognizer.swap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClipModelLoaderTest {

  @Test
  void warmUp_coversOneHalfAndAFullBatch_once_each() {
    assertThat(ClipModelLoader.warmUpSizes(16)).containsExactly(1, 8, 16);
    assertThat(ClipModelLoader.warmUpSizes(5)).containsExactly(1, 3, 5);
    assertThat(ClipModelLoader.warmUpSizes(2)).containsExactly(1, 2);
    assertThat(ClipModelLoader.warmUpSizes(1)).containsExactly(1);
  }
}
