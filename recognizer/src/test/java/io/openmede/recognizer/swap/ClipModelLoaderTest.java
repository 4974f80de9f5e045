package io.openmede.recognizer.swap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.openmede.model.ClipConfig;
import io.openmede.model.ClipModel;
import io.openmede.model.ComputeDevice;
import io.openmede.model.InferenceDtype;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipModelLoaderTest {

  @TempDir Path dir;

  @Test
  void load_inferInTheConfiguredDtype_andWarmsUp() throws Exception {
    var why = InferenceDtype.BF16.unsupportedOn(ComputeDevice.CPU);
    assumeTrue(why.isEmpty(), () -> "skipped: " + why.orElseThrow());
    Path weights = dir.resolve("w.safetensors");
    try (ClipModel m = ClipModel.random(ClipConfig.preset("tiny"), 3, ComputeDevice.CPU)) {
      m.saveSafetensors(weights);
    }
    List<String> prepared = new java.util.ArrayList<>();
    ClipModelLoader loader =
        new ClipModelLoader(
            List.of(ComputeDevice.CPU), InferenceDtype.BF16, 4, (m, v) -> prepared.add(v));
    try (ClipModel m = loader.load(weights, 0)) {
      assertThat(m.inferenceDtype()).isEqualTo(InferenceDtype.BF16);
      loader.warm(m, "v2");
      assertThat(prepared).containsExactly("v2");
    }
  }

  @Test
  void rehearse_warmsAndPreparesUnderTheRehearsalVersion() throws Exception {
    Path weights = dir.resolve("w.safetensors");
    try (ClipModel m = ClipModel.random(ClipConfig.preset("tiny"), 3, ComputeDevice.CPU)) {
      m.saveSafetensors(weights);
    }
    List<String> prepared = new java.util.ArrayList<>();
    ClipModelLoader loader =
        new ClipModelLoader(
            List.of(ComputeDevice.CPU), InferenceDtype.F32, 4, (m, v) -> prepared.add(v));
    try (ClipModel m = loader.load(weights, 0)) {
      loader.rehearse(m);
      assertThat(prepared).containsExactly(CheckpointInstaller.REHEARSAL_VERSION);
    }
  }

  @Test
  void inferringIn_f32_keepsTheModelAsLoaded() {
    try (ClipModel m =
        ClipModelLoader.inferringIn(
            ClipModel.random(ClipConfig.preset("tiny"), 3, ComputeDevice.CPU),
            InferenceDtype.F32)) {
      assertThat(m.inferenceDtype()).isEqualTo(InferenceDtype.F32);
    }
  }
}
