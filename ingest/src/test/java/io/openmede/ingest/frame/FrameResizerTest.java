package io.openmede.ingest.frame;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FrameResizerTest {

  @Test
  void resize_halving_averagesPixelPairs() {
    // 4x1 -> 2x1: centres at 0.5 and 2.5 source pixels, halfway between neighbours.
    byte[] rgb = {0, 0, 0, 100, (byte) 200, 10, 50, 50, 50, (byte) 250, 0, 30};
    assertThat(FrameResizer.resize(rgb, 4, 1, 2, 1))
        .containsExactly(50, 100, 5, (byte) 150, 25, 40);
  }

  @Test
  void resize_sameSize_isIdentity_andUniformStaysUniform() {
    byte[] rgb = new byte[5 * 3 * 3];
    for (int i = 0; i < rgb.length; i++) {
      rgb[i] = (byte) (i * 7);
    }
    assertThat(FrameResizer.resize(rgb, 5, 3, 5, 3)).isEqualTo(rgb);
    byte[] uniform = new byte[6 * 4 * 3];
    java.util.Arrays.fill(uniform, (byte) 77);
    byte[] up = FrameResizer.resize(uniform, 6, 4, 13, 9);
    assertThat(up).hasSize(13 * 9 * 3).containsOnly(77);
  }

  @Test
  void frameSize_shortSide_keepsAspectAndEvenLongSide() {
    FrameSize s = FrameSize.parse("224");
    assertThat(s.widthFor(340, 256)).isEqualTo(298);
    assertThat(s.heightFor(340, 256)).isEqualTo(224);
    assertThat(s.widthFor(240, 320)).isEqualTo(224);
    assertThat(s.heightFor(240, 320)).isEqualTo(298);
    assertThat(FrameSize.parse("224x160")).isEqualTo(FrameSize.fixed(224, 160));
  }
}
