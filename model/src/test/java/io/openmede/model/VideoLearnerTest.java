package io.openmede.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class VideoLearnerTest {

  private static ClipModel model;

  @BeforeAll
  static void loadFixture() throws Exception {
    model = ClipModel.load(Fixtures.path("weights.safetensors"), ComputeDevice.CPU);
  }

  @AfterAll
  static void close() {
    model.close();
  }

  static float[] randomPixels(int count, long seed) {
    Random r = new Random(seed);
    float[] p = new float[count];
    for (int i = 0; i < p.length; i++) {
      p[i] = (float) r.nextGaussian();
    }
    return p;
  }

  private static float[] normalisedMeanOfFrames(float[][] frames) {
    double[] mean = new double[frames[0].length];
    for (float[] f : frames) {
      for (int k = 0; k < f.length; k++) {
        mean[k] += f[k] / (double) frames.length;
      }
    }
    double n = 0;
    for (double x : mean) {
      n += x * x;
    }
    float[] out = new float[mean.length];
    for (int k = 0; k < mean.length; k++) {
      out[k] = (float) (mean[k] / Math.sqrt(n));
    }
    return out;
  }

  private static float[][] expectedFromImageTower(float[] pixels, int batch, int frames) {
    int frameSize = 3 * 32 * 32;
    float[][] perFrame = model.encodeImages(pixels, batch * frames);
    float[][] out = new float[batch][];
    for (int b = 0; b < batch; b++) {
      float[][] clip = new float[frames][];
      System.arraycopy(perFrame, b * frames, clip, 0, frames);
      out[b] = normalisedMeanOfFrames(clip);
    }
    assertThat(pixels.length).isEqualTo(batch * frames * frameSize);
    return out;
  }

  @Test
  void embedVideos_oneFrameWithTemporalAttention_equalsImageTower() {
    model.setTemporalAttention(true);
    float[] pixels = randomPixels(3 * 3 * 32 * 32, 1);
    float[][] video = model.embedVideos(new VideoBatch(pixels, 3, 1, 32));
    float[][] expected = expectedFromImageTower(pixels, 3, 1);
    for (int b = 0; b < 3; b++) {
      assertThat(video[b]).containsExactly(expected[b], org.assertj.core.data.Offset.offset(1e-6f));
    }
  }

  @Test
  void embedVideos_temporalAttentionOff_equalsMeanOfImageTowerPerFrame() {
    model.setTemporalAttention(false);
    try {
      float[] pixels = randomPixels(2 * 4 * 3 * 32 * 32, 2);
      float[][] video = model.embedVideos(new VideoBatch(pixels, 2, 4, 32));
      float[][] expected = expectedFromImageTower(pixels, 2, 4);
      for (int b = 0; b < 2; b++) {
        assertThat(video[b])
            .containsExactly(expected[b], org.assertj.core.data.Offset.offset(1e-6f));
      }
    } finally {
      model.setTemporalAttention(true);
    }
  }

  @Test
  void embedVideos_temporalAttentionOnWithSeveralFrames_differsFromPerFrameMean() {
    model.setTemporalAttention(true);
    float[] pixels = randomPixels(2 * 4 * 3 * 32 * 32, 3);
    float[][] video = model.embedVideos(new VideoBatch(pixels, 2, 4, 32));
    float[][] expected = expectedFromImageTower(pixels, 2, 4);
    double maxDiff = 0;
    for (int b = 0; b < 2; b++) {
      double norm = 0;
      for (int k = 0; k < video[b].length; k++) {
        maxDiff = Math.max(maxDiff, Math.abs(video[b][k] - expected[b][k]));
        norm += video[b][k] * video[b][k];
      }
      assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    }
    assertThat(maxDiff).isGreaterThan(1e-3);
  }

  /**
   * The documented order invariance (DESIGN.md §5): temporal attention pools the keys of frames
   * t-1, t, t+1 without position information and the frame embeddings are averaged, so a clip
   * played backwards has the clip's embedding, while the frames themselves still matter (a clip
   * with one frame replaced differs). The synthetic world is built for a learner like this.
   */
  @Test
  void embedVideos_reversedClip_hasTheSameEmbedding_theLearnerCannotSeeOrder() {
    model.setTemporalAttention(true);
    int frames = 6;
    int frameSize = 3 * 32 * 32;
    float[] pixels = randomPixels(frames * frameSize, 11);
    float[] reversed = new float[pixels.length];
    for (int t = 0; t < frames; t++) {
      System.arraycopy(pixels, t * frameSize, reversed, (frames - 1 - t) * frameSize, frameSize);
    }
    float[] other = pixels.clone();
    System.arraycopy(randomPixels(frameSize, 12), 0, other, 2 * frameSize, frameSize);
    float[][] e = model.embedVideos(new VideoBatch(concat(pixels, reversed, other), 3, frames, 32));
    for (int k = 0; k < e[0].length; k++) {
      assertThat(e[1][k]).isCloseTo(e[0][k], org.assertj.core.data.Offset.offset(1e-5f));
    }
    double diff = 0;
    for (int k = 0; k < e[0].length; k++) {
      diff = Math.max(diff, Math.abs(e[2][k] - e[0][k]));
    }
    assertThat(diff).isGreaterThan(1e-3);
  }

  private static float[] concat(float[]... parts) {
    int n = 0;
    for (float[] p : parts) {
      n += p.length;
    }
    float[] out = new float[n];
    int o = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, out, o, p.length);
      o += p.length;
    }
    return out;
  }

  @Test
  void embedVideos_clipsInOneBatch_doNotInfluenceEachOther() {
    model.setTemporalAttention(true);
    float[] pixels = randomPixels(2 * 3 * 3 * 32 * 32, 4);
    float[][] both = model.embedVideos(new VideoBatch(pixels, 2, 3, 32));
    float[] second = java.util.Arrays.copyOfRange(pixels, 3 * 3 * 32 * 32, pixels.length);
    float[][] alone = model.embedVideos(new VideoBatch(second, 1, 3, 32));
    assertThat(both[1]).containsExactly(alone[0], org.assertj.core.data.Offset.offset(1e-5f));
  }

  @Test
  void embedVideos_wrongResolution_saysWhatTheModelTakes() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> model.embedVideos(new VideoBatch(new float[3 * 16 * 16], 1, 1, 16)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("16x16")
        .hasMessageContaining("32x32");
  }
}
