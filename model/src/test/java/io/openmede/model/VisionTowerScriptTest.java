package io.openmede.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.IValue;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The compiled inference tower against the op-by-op tower that gradients go through. */
class VisionTowerScriptTest {

  private static ClipModel model;

  @BeforeAll
  static void loadFixture() throws Exception {
    model = ClipModel.load(Fixtures.path("weights.safetensors"), ComputeDevice.CPU);
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static VideoBatch clips(int batch, int frames, long seed) {
    int r = model.config().imageResolution();
    return new VideoBatch(
        VideoLearnerTest.randomPixels(batch * frames * 3 * r * r, seed), batch, frames, r);
  }

  @Test
  void compiledTower_equalsTheOpByOpTower_withTemporalAttention() {
    model.setTemporalAttention(true);
    VideoBatch b = clips(2, 3, 11);
    float[][] compiled = model.frameFeatures(b);
    float[][] opByOp = model.frameFeaturesOpByOp(b);
    assertThat(compiled.length).isEqualTo(6);
    assertThat(Fixtures.relativeError(compiled, opByOp)).isLessThanOrEqualTo(1e-5);
  }

  @Test
  void compiledTower_equalsTheOpByOpTower_withoutTemporalAttention() {
    model.setTemporalAttention(false);
    try {
      VideoBatch b = clips(2, 3, 12);
      assertThat(Fixtures.relativeError(model.frameFeatures(b), model.frameFeaturesOpByOp(b)))
          .isLessThanOrEqualTo(1e-5);
    } finally {
      model.setTemporalAttention(true);
    }
  }

  @Test
  void temporalAttention_changesTheCompiledTowersOutput() {
    VideoBatch b = clips(1, 3, 13);
    model.setTemporalAttention(true);
    float[][] with = model.frameFeatures(b);
    model.setTemporalAttention(false);
    float[][] without = model.frameFeatures(b);
    model.setTemporalAttention(true);
    assertThat(Fixtures.relativeError(with, without)).isGreaterThan(1e-3);
  }

  @Test
  void compiledTower_seesInPlaceParameterUpdates() throws Exception {
    try (ClipModel m = ClipModel.load(Fixtures.path("weights.safetensors"), ComputeDevice.CPU)) {
      VideoBatch b = clips(1, 2, 14);
      float[][] before = m.frameFeatures(b);
      try (ParameterSetScale ignored = new ParameterSetScale(m, 0.5)) {
        float[][] after = m.frameFeatures(b);
        assertThat(Fixtures.relativeError(after, before)).isGreaterThan(1e-2);
        assertThat(Fixtures.relativeError(after, m.frameFeaturesOpByOp(b)))
            .isLessThanOrEqualTo(1e-5);
      }
    }
  }

  @Test
  void attentionAsTwoProducts_equalsTheFusedKernel() {
    VideoBatch b = clips(2, 3, 15);
    int r = model.config().imageResolution();
    Map<String, NDArray> arrays = new HashMap<>();
    for (String n : model.parameters().names()) {
      arrays.put(n, model.parameters().array(n));
    }
    try (NDManager m = NDManager.newBaseManager();
        VisionTowerScript tower = VisionTowerScript.compile(m);
        IValue w = tower.weights(model.config(), arrays, InferenceDtype.F32)) {
      NDArray px = m.create(b.pixels(), new Shape(6, 3, r, r));
      int heads = model.config().visionHeads();
      float[] fused = tower.run(m, px, w, 2, 3, heads, true, true).toFloatArray();
      float[] products = tower.run(m, px, w, 2, 3, heads, true, false).toFloatArray();
      float[][] op = model.frameFeaturesOpByOp(b);
      float[] flat = new float[fused.length];
      for (int i = 0; i < op.length; i++) {
        System.arraycopy(op[i], 0, flat, i * op[i].length, op[i].length);
      }
      assertThat(Fixtures.relativeError(new float[][] {products}, new float[][] {fused}))
          .isLessThanOrEqualTo(1e-5);
      assertThat(Fixtures.relativeError(new float[][] {products}, new float[][] {flat}))
          .isLessThanOrEqualTo(1e-5);
    }
  }

  @Test
  void weightNames_nameEveryImageTowerWeightOnce() {
    Set<String> expected = new TreeSet<>();
    for (String n : CheckpointReader.openAiShapes(model.config()).keySet()) {
      if (n.startsWith("visual.")) {
        expected.add(n);
      }
    }
    var names = VisionTowerScript.weightNames(model.config());
    assertThat(new TreeSet<>(names)).isEqualTo(expected);
    assertThat(names).hasSize(expected.size());
  }

  /** Scales the model's image tower in place (through its live parameter view). */
  private record ParameterSetScale(ClipModel model, double factor) implements AutoCloseable {
    ParameterSetScale {
      model.parameters().scale(factor);
    }

    @Override
    public void close() {
      model.parameters().scale(1 / factor);
    }
  }
}
