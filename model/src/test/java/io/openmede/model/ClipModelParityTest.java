package io.openmede.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ClipModelParityTest {

  private static void assertMatchesReference(Path weights) throws Exception {
    Fixtures.Reference ref = Fixtures.reference();
    try (ClipModel model = ClipModel.load(weights, ComputeDevice.CPU)) {
      assertThat(model.config()).isEqualTo(new ClipConfig(32, 32, 2, 128, 8, 77, 49408, 64, 4, 2));
      float[][] img = model.encodeImages(ref.images(), ref.imageCount());
      float[][] txt = model.encodeText(ref.tokens());
      float[][] logits = Fixtures.logits(img, txt, model.logitScale());
      assertThat(Fixtures.relativeError(img, ref.imageFeatures())).isLessThanOrEqualTo(1e-4);
      assertThat(Fixtures.relativeError(txt, ref.textFeatures())).isLessThanOrEqualTo(1e-4);
      assertThat(Fixtures.relativeError(logits, ref.logits())).isLessThanOrEqualTo(1e-4);
    }
  }

  @Test
  void load_openAiSafetensors_matchesOpenAiOutputs() throws Exception {
    assertMatchesReference(Fixtures.path("weights.safetensors"));
  }

  @Test
  void load_torchScriptArchive_matchesOpenAiOutputs() throws Exception {
    assertMatchesReference(Fixtures.path("model.traced.pt"));
  }
}
