package io.openmede.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openmede.model.weights.Safetensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFormatsTest {

  private static ClipModel reference;
  private static Fixtures.Reference io;

  @BeforeAll
  static void load() throws Exception {
    reference = ClipModel.load(Fixtures.path("weights.safetensors"), ComputeDevice.CPU);
    io = Fixtures.reference();
  }

  @AfterAll
  static void close() {
    reference.close();
  }

  private static Map<String, Safetensors.Tensor> fixtureTensors() throws IOException {
    LinkedHashMap<String, Safetensors.Tensor> out = new LinkedHashMap<>();
    try (Safetensors.Reader r = Safetensors.open(Fixtures.path("weights.safetensors"))) {
      for (var e : r.entries().entrySet()) {
        out.put(e.getKey(), new Safetensors.Tensor(e.getValue().shape(), r.floats(e.getKey())));
      }
    }
    return out;
  }

  private static void assertSameOutputs(ClipModel model) {
    float[][] img = model.encodeImages(io.images(), io.imageCount());
    float[][] txt = model.encodeText(io.tokens());
    float[][] refImg = reference.encodeImages(io.images(), io.imageCount());
    float[][] refTxt = reference.encodeText(io.tokens());
    for (int i = 0; i < img.length; i++) {
      assertThat(img[i]).containsExactly(refImg[i]);
    }
    for (int i = 0; i < txt.length; i++) {
      assertThat(txt[i]).containsExactly(refTxt[i]);
    }
    assertThat(model.logitScale()).isEqualTo(reference.logitScale());
  }

  private static float[] transpose(float[] a, int rows, int cols) {
    float[] t = new float[a.length];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        t[j * rows + i] = a[i * cols + j];
      }
    }
    return t;
  }

  /** The fixture renamed as Hugging Face's CLIPModel state dict, q/k/v split. */
  private static Map<String, Safetensors.Tensor> toHuggingFace(Map<String, Safetensors.Tensor> in) {
    LinkedHashMap<String, Safetensors.Tensor> out = new LinkedHashMap<>();
    Pattern layer = Pattern.compile("(visual\\.)?transformer\\.resblocks\\.(\\d+)\\.(.+)");
    for (var e : in.entrySet()) {
      String k = e.getKey();
      Safetensors.Tensor t = e.getValue();
      Matcher m = layer.matcher(k);
      if (m.matches()) {
        String p =
            (m.group(1) != null ? "vision_model" : "text_model")
                + ".encoder.layers."
                + m.group(2)
                + ".";
        String rest = m.group(3);
        if (rest.startsWith("attn.in_proj_")) {
          String kind = rest.endsWith("weight") ? "weight" : "bias";
          int third = t.data().length / 3;
          long[] shape = t.shape().clone();
          shape[0] /= 3;
          String[] qkv = {"q", "k", "v"};
          for (int i = 0; i < 3; i++) {
            float[] part = java.util.Arrays.copyOfRange(t.data(), i * third, (i + 1) * third);
            out.put(
                p + "self_attn." + qkv[i] + "_proj." + kind, new Safetensors.Tensor(shape, part));
          }
          continue;
        }
        String name =
            rest.replace("attn.out_proj", "self_attn.out_proj")
                .replace("ln_1", "layer_norm1")
                .replace("ln_2", "layer_norm2")
                .replace("mlp.c_fc", "mlp.fc1")
                .replace("mlp.c_proj", "mlp.fc2");
        out.put(p + name, t);
        continue;
      }
      String name =
          switch (k) {
            case "visual.conv1.weight" -> "vision_model.embeddings.patch_embedding.weight";
            case "visual.class_embedding" -> "vision_model.embeddings.class_embedding";
            case "visual.positional_embedding" ->
                "vision_model.embeddings.position_embedding.weight";
            case "visual.ln_pre.weight" -> "vision_model.pre_layrnorm.weight";
            case "visual.ln_pre.bias" -> "vision_model.pre_layrnorm.bias";
            case "visual.ln_post.weight" -> "vision_model.post_layernorm.weight";
            case "visual.ln_post.bias" -> "vision_model.post_layernorm.bias";
            case "token_embedding.weight" -> "text_model.embeddings.token_embedding.weight";
            case "positional_embedding" -> "text_model.embeddings.position_embedding.weight";
            case "ln_final.weight" -> "text_model.final_layer_norm.weight";
            case "ln_final.bias" -> "text_model.final_layer_norm.bias";
            case "logit_scale" -> "logit_scale";
            case "visual.proj", "text_projection" -> null;
            default -> throw new IllegalStateException("unmapped " + k);
          };
      if (name == null) {
        int rows = (int) t.shape()[0];
        int cols = (int) t.shape()[1];
        out.put(
            k.equals("visual.proj") ? "visual_projection.weight" : "text_projection.weight",
            new Safetensors.Tensor(new long[] {cols, rows}, transpose(t.data(), rows, cols)));
      } else {
        out.put(name, t);
      }
    }
    return out;
  }

  @Test
  void load_huggingFaceNaming_givesSameOutputsAsOpenAiNaming(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("model.safetensors");
    Safetensors.write(file, toHuggingFace(fixtureTensors()), Map.of());
    Files.copy(Fixtures.path("config.json"), dir.resolve("config.json"));
    try (ClipModel model = ClipModel.load(file, ComputeDevice.CPU)) {
      assertThat(model.config()).isEqualTo(reference.config());
      assertSameOutputs(model);
    }
  }

  @Test
  void saveSafetensors_thenLoad_givesSameModelWithoutSidecarConfig(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("export.safetensors");
    reference.saveSafetensors(file);
    try (ClipModel model = ClipModel.load(file, ComputeDevice.CPU)) {
      assertThat(model.config()).isEqualTo(reference.config());
      assertThat(model.textTowerHash()).isEqualTo(reference.textTowerHash());
      assertSameOutputs(model);
    }
    try (Safetensors.Reader r = Safetensors.open(file)) {
      assertThat(r.entries().keySet()).contains("visual.conv1.weight", "text_projection");
      assertThat(r.metadata()).containsEntry("transformer_heads", "4");
    }
  }

  @Test
  void saveSafetensors_randomTinyModel_roundTrips(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("tiny.safetensors");
    float[] pixels = VideoLearnerTest.randomPixels(2 * 3 * 32 * 32, 3);
    try (ClipModel tiny = ClipModel.random(ClipConfig.preset("tiny"), 42, ComputeDevice.CPU)) {
      tiny.saveSafetensors(file);
      try (ClipModel back = ClipModel.load(file, ComputeDevice.CPU)) {
        assertThat(back.config()).isEqualTo(ClipConfig.preset("tiny"));
        assertThat(back.encodeImages(pixels, 2)[1])
            .containsExactly(tiny.encodeImages(pixels, 2)[1]);
        assertThat(back.logitScale()).isEqualTo(tiny.logitScale());
      }
    }
  }

  private static void assertLoadsRounded(
      Path dir, String dtype, java.util.function.UnaryOperator<Float> round) throws Exception {
    Path file = dir.resolve(dtype + ".safetensors");
    Map<String, Safetensors.Tensor> tensors = fixtureTensors();
    Safetensors.write(file, tensors, Map.of("transformer_heads", "4"), dtype);
    Path back = dir.resolve(dtype + "-as-f32.safetensors");
    try (ClipModel model = ClipModel.load(file, ComputeDevice.CPU)) {
      model.saveSafetensors(back);
      float[][] img = model.encodeImages(io.images(), io.imageCount());
      assertThat(Fixtures.relativeError(img, io.imageFeatures())).isLessThan(0.05);
    }
    try (Safetensors.Reader r = Safetensors.open(back)) {
      for (String name : new String[] {"visual.proj", "transformer.resblocks.1.mlp.c_fc.weight"}) {
        float[] original = tensors.get(name).data();
        float[] loaded = r.floats(name);
        for (int i = 0; i < original.length; i++) {
          assertThat(loaded[i]).isEqualTo(round.apply(original[i]));
        }
      }
    }
  }

  @Test
  void load_float16Weights_convertsToFloat32(@TempDir Path dir) throws Exception {
    assertLoadsRounded(dir, "F16", f -> Safetensors.halfToFloat(Safetensors.floatToHalf(f)));
  }

  @Test
  void load_bfloat16Weights_convertsToFloat32(@TempDir Path dir) throws Exception {
    assertLoadsRounded(
        dir, "BF16", f -> Float.intBitsToFloat(Safetensors.floatToBfloat16(f) << 16));
  }

  @Test
  void floatToHalf_knownValues_roundToNearestEven() {
    assertThat(Safetensors.floatToHalf(1.0f)).isEqualTo((short) 0x3c00);
    assertThat(Safetensors.floatToHalf(-2.0f)).isEqualTo((short) 0xc000);
    assertThat(Safetensors.floatToHalf(65504f)).isEqualTo((short) 0x7bff);
    assertThat(Safetensors.floatToHalf(1e6f)).isEqualTo((short) 0x7c00);
    assertThat(Safetensors.floatToHalf(5.9604645e-8f)).isEqualTo((short) 0x0001);
    assertThat(Safetensors.halfToFloat((short) 0x3555)).isEqualTo(0.33325195f);
    assertThat(Safetensors.halfToFloat((short) 0x0001)).isEqualTo(5.9604645e-8f);
    // 1 + 2^-11 lies halfway between 1 and the next half; ties go to the even neighbour, 1
    assertThat(Safetensors.floatToHalf(1.00048828125f)).isEqualTo((short) 0x3c00);
  }

  @Test
  void load_notACheckpoint_saysWhatIsMissing(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("other.safetensors");
    Safetensors.write(
        file, Map.of("w", new Safetensors.Tensor(new long[] {2}, new float[] {1, 2})), Map.of());
    assertThatThrownBy(() -> ClipModel.load(file, ComputeDevice.CPU))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a CLIP ViT checkpoint");
    Path junk = dir.resolve("junk.bin");
    Files.writeString(junk, "hello, this is not a model");
    assertThatThrownBy(() -> ClipModel.load(junk, ComputeDevice.CPU))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("safetensors");
    assertThatThrownBy(() -> ClipModel.load(dir.resolve("absent.pt"), ComputeDevice.CPU))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("does not exist");
  }

  @Test
  void inspect_fixture_infersArchitectureFromShapes() throws Exception {
    assertThat(ClipModel.inspect(Fixtures.path("model.traced.pt")))
        .isEqualTo(new ClipConfig(32, 32, 2, 128, 8, 77, 49408, 64, 4, 2));
  }
}
