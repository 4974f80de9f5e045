package io.openmede.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * bfloat16 inference against OpenAI's reference outputs and against float32. Tolerances: image
 * features and logits within 3 % of the reference's largest magnitude (float32 is within 1e-4),
 * video embeddings at a cosine of at least 0.999 to float32's.
 */
class Bf16InferenceTest {

  @BeforeAll
  static void needsBf16() {
    var why = InferenceDtype.BF16.unsupportedOn(ComputeDevice.CPU);
    assumeTrue(why.isEmpty(), () -> "skipped: " + why.orElseThrow());
  }

  @Test
  void bf16_matchesOpenAiLogitsOnTheFixtures_withinTolerance() throws Exception {
    Fixtures.Reference ref = Fixtures.reference();
    try (ClipModel model =
        ClipModel.load(Fixtures.path("weights.safetensors"), ComputeDevice.CPU)) {
      model.setInferenceDtype(InferenceDtype.BF16);
      assertThat(model.inferenceDtype()).isEqualTo(InferenceDtype.BF16);
      float[][] img = model.encodeImages(ref.images(), ref.imageCount());
      float[][] txt = model.encodeText(ref.tokens());
      float[][] logits = Fixtures.logits(img, txt, model.logitScale());
      double imgErr = Fixtures.relativeError(img, ref.imageFeatures());
      double logitErr = Fixtures.relativeError(logits, ref.logits());
      System.out.printf("bf16 fixture: image features %.2e, logits %.2e%n", imgErr, logitErr);
      assertThat(imgErr).isLessThanOrEqualTo(3e-2).isGreaterThan(1e-4);
      assertThat(logitErr).isLessThanOrEqualTo(3e-2);
    }
  }

  @Test
  void bf16VideoEmbeddings_agreeWithF32_andSwitchingBackIsExact() throws Exception {
    try (ClipModel model =
        ClipModel.load(Fixtures.path("weights.safetensors"), ComputeDevice.CPU)) {
      int r = model.config().imageResolution();
      VideoBatch b = new VideoBatch(VideoLearnerTest.randomPixels(4 * 8 * 3 * r * r, 21), 4, 8, r);
      float[][] f32 = model.embedVideos(b);
      model.setInferenceDtype(InferenceDtype.BF16);
      float[][] bf16 = model.embedVideos(b);
      double worst = 1;
      for (int i = 0; i < f32.length; i++) {
        double dot = 0;
        for (int k = 0; k < f32[i].length; k++) {
          dot += f32[i][k] * bf16[i][k];
        }
        worst = Math.min(worst, dot);
      }
      System.out.printf("bf16 video embeddings: worst cosine to f32 %.6f%n", worst);
      assertThat(worst).isGreaterThanOrEqualTo(0.999).isLessThan(1.0);
      model.setInferenceDtype(InferenceDtype.F32);
      assertThat(model.embedVideos(b)).isDeepEqualTo(f32);
    }
  }
}
