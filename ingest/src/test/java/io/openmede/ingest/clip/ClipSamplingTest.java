package io.openmede.ingest.clip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ClipSamplingTest {

  @Test
  void strided_oneClip_isCentred() {
    // 8 frames at stride 16 span 113 frames; 300 - 113 + 1 = 188 start positions, centre 94.
    assertThat(ClipSampling.strided(8, 16).clips(300, 1))
        .singleElement()
        .isEqualTo(new int[] {94, 110, 126, 142, 158, 174, 190, 206});
  }

  @Test
  void strided_threeClips_areEvenlySpaced() {
    assertThat(ClipSampling.strided(8, 16).clips(300, 3))
        .extracting(c -> c[0])
        .containsExactly(31, 94, 156);
  }

  @Test
  void strided_shortVideo_wrapsToTheStart() {
    assertThat(ClipSampling.strided(8, 16).clips(100, 1))
        .singleElement()
        .isEqualTo(new int[] {0, 16, 32, 48, 64, 80, 96, 12});
  }

  @Test
  void segments_oneClip_takesTheMiddleFrameOfEachSegment() {
    assertThat(ClipSampling.segments(8).clips(300, 1))
        .singleElement()
        .isEqualTo(new int[] {18, 56, 93, 131, 168, 206, 243, 281});
  }

  @Test
  void segments_twoClips_offsetWithinSegments() {
    assertThat(ClipSampling.segments(4).clips(40, 2))
        .containsExactly(new int[] {2, 12, 22, 32}, new int[] {7, 17, 27, 37});
  }

  @Test
  void parse_acceptsBothForms_andExplainsBadInput() {
    assertThat(ClipSampling.parse("strided:8x16")).isEqualTo(ClipSampling.strided(8, 16));
    assertThat(ClipSampling.parse("segments:8")).isEqualTo(ClipSampling.segments(8));
    assertThatThrownBy(() -> ClipSampling.parse("uniform"))
        .hasMessageContaining("strided:FRAMESxSTRIDE");
  }
}
