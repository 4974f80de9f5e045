package io.openmede.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ValueTypesTest {

  @Test
  void preset_knownNames_giveOpenAiArchitectures() {
    ClipConfig b16 = ClipConfig.preset("vit-b-16");
    assertThat(b16).isEqualTo(new ClipConfig(512, 224, 12, 768, 16, 77, 49408, 512, 8, 12));
    assertThat(b16.visionHeads()).isEqualTo(12);
    assertThat(b16.visionTokens()).isEqualTo(197);
    assertThat(ClipConfig.preset("ViT-L-14").visionHeads()).isEqualTo(16);
    assertThat(ClipConfig.preset("vit-b-32").gridSize()).isEqualTo(7);
    ClipConfig tiny = ClipConfig.preset("tiny");
    assertThat(tiny.visionHeads()).isEqualTo(2);
    assertThat(tiny.imageResolution()).isEqualTo(32);
  }

  @Test
  void preset_small_isALargerImageTowerBesideTinysTextTower() {
    ClipConfig tiny = ClipConfig.preset("tiny");
    ClipConfig small = ClipConfig.preset("small");
    assertThat(small.imageResolution()).isEqualTo(48);
    assertThat(small.visionPatchSize()).isEqualTo(8);
    assertThat(small.visionTokens()).isEqualTo(37);
    assertThat(small.visionWidth()).isEqualTo(192);
    assertThat(small.visionHeads()).isEqualTo(3);
    assertThat(small.visionLayers()).isEqualTo(3);
    assertThat(small.textParameterCount()).isEqualTo(tiny.textParameterCount());
    assertThat(small.embedDim()).isEqualTo(tiny.embedDim());
    assertThat(small.visionParameterCount()).isEqualTo(1_391_808L);
    assertThat(tiny.visionParameterCount()).isEqualTo(432_128L);
  }

  @Test
  void parameterCount_vitB32_matchesOpenAiModel() {
    // OpenAI's CLIP notebook prints "Model parameters: 151,277,313" for ViT-B/32
    assertThat(ClipConfig.preset("vit-b-32").parameterCount()).isEqualTo(151_277_313L);
  }

  @Test
  void preset_unknownName_listsKnownOnes() {
    assertThatThrownBy(() -> ClipConfig.preset("vit-h-14"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("vit-h-14")
        .hasMessageContaining("tiny, small, vit-b-16, vit-b-32, vit-l-14");
  }

  @Test
  void clipConfig_badValues_areNamedInTheMessage() {
    assertThatThrownBy(() -> new ClipConfig(64, 30, 2, 128, 8, 77, 49408, 64, 4, 2))
        .hasMessageContaining("image resolution 30 is not a multiple of the patch size 8");
    assertThatThrownBy(() -> new ClipConfig(64, 32, 2, 128, 8, 77, 49408, 64, 3, 2))
        .hasMessageContaining("text width 64 is not divisible by the text head count 3");
    assertThatThrownBy(() -> new ClipConfig(64, 32, 0, 128, 8, 77, 49408, 64, 4, 2))
        .hasMessageContaining("visionLayers must be positive, got 0");
  }

  @Test
  void computeDevice_parse_acceptsCpuGpuAndGpuN() {
    assertThat(ComputeDevice.parse("cpu")).isEqualTo(ComputeDevice.CPU);
    assertThat(ComputeDevice.parse("GPU")).isEqualTo(ComputeDevice.gpu(0));
    assertThat(ComputeDevice.parse("gpu:3")).isEqualTo(ComputeDevice.gpu(3));
    assertThat(ComputeDevice.gpu(2).toString()).isEqualTo("gpu:2");
    assertThat(ComputeDevice.parse(ComputeDevice.gpu(1).toString()))
        .isEqualTo(ComputeDevice.gpu(1));
    assertThatThrownBy(() -> ComputeDevice.parse("tpu"))
        .hasMessageContaining("'tpu'")
        .hasMessageContaining("cpu, gpu or gpu:N");
    assertThatThrownBy(() -> ComputeDevice.parse("gpu:x")).hasMessageContaining("gpu:x");
  }

  @Test
  void videoBatch_wrongLength_saysWhatItNeeds() {
    assertThatThrownBy(() -> new VideoBatch(new float[10], 2, 8, 32))
        .hasMessageContaining("pixels has 10 floats")
        .hasMessageContaining("needs 49152");
    assertThat(new VideoBatch(new float[2 * 3 * 3 * 4 * 4], 2, 3, 4).frameSize()).isEqualTo(48);
  }

  @Test
  void classEmbeddings_countMismatch_isRefused() {
    assertThatThrownBy(() -> new ClassEmbeddings(List.of("a", "b"), new float[][] {{1f}}))
        .hasMessageContaining("2 labels but 1 vectors");
  }

  @Test
  void visionFlops_ofVitB16_matchTheKnownCount_andTemporalAttentionAddsTheWiderAttention() {
    ClipConfig b16 = ClipConfig.preset("vit-b-16");
    // ViT-B/16 at 224x224: 17.6 GMACs per image, as fvcore and timm count it (35.2 GFLOP)
    assertThat(b16.visionFlopsPerFrame(1, false)).isBetween(34.5e9, 35.9e9);
    assertThat(b16.visionFlopsPerFrame(8, false)).isEqualTo(b16.visionFlopsPerFrame(1, false));
    // keys and values of 3 frames: 4 L (3L - L) d more per block, 12 blocks
    double extra = 4.0 * 197 * (2 * 197) * 768 * 12;
    assertThat(b16.visionFlopsPerFrame(8, true) - b16.visionFlopsPerFrame(8, false))
        .isCloseTo(extra, org.assertj.core.data.Offset.offset(1.0));
    assertThat(b16.visionFlopsPerFrame(1, true)).isEqualTo(b16.visionFlopsPerFrame(1, false));
  }
}
