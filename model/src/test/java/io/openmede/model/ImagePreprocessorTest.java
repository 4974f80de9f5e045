package io.openmede.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ImagePreprocessorTest {

  private static float normalised(int value, int channel) {
    return (value / 255f - ImagePreprocessor.MEAN[channel]) / ImagePreprocessor.STD[channel];
  }

  @Test
  void apply_uniformColourDownscaled_givesNormalisedConstant() {
    int w = 100;
    int h = 70;
    byte[] rgb = new byte[w * h * 3];
    for (int i = 0; i < w * h; i++) {
      rgb[3 * i] = (byte) 200;
      rgb[3 * i + 1] = (byte) 30;
      rgb[3 * i + 2] = (byte) 128;
    }
    float[] out = new ImagePreprocessor(32).apply(rgb, w, h);
    assertThat(out).hasSize(3 * 32 * 32);
    int[] values = {200, 30, 128};
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < 32 * 32; i++) {
        assertThat(out[c * 1024 + i]).isCloseTo(normalised(values[c], c), within(1e-5f));
      }
    }
  }

  @Test
  void apply_shortSideAlreadyR_centreCropsWithoutResampling() {
    int w = 41;
    int h = 32;
    byte[] rgb = new byte[w * h * 3];
    new Random(1).nextBytes(rgb);
    float[] out = new ImagePreprocessor(32).apply(rgb, w, h);
    int left = (int) Math.round((w - 32) / 2.0);
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        for (int c = 0; c < 3; c++) {
          int v = rgb[(y * w + left + x) * 3 + c] & 0xff;
          assertThat(out[c * 1024 + y * 32 + x]).isCloseTo(normalised(v, c), within(1e-5f));
        }
      }
    }
  }

  @Test
  void apply_portraitFrame_cropsVertically() {
    int w = 16;
    int h = 48;
    byte[] rgb = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        rgb[(y * w + x) * 3] = (byte) (y < 16 || y >= 32 ? 0 : 255);
      }
    }
    float[] out = new ImagePreprocessor(16).apply(rgb, w, h);
    for (int i = 0; i < 16 * 16; i++) {
      assertThat(out[i]).isCloseTo(normalised(255, 0), within(1e-5f));
    }
  }
}
