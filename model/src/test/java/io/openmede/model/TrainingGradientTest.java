package io.openmede.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import io.openmede.model.train.LossAndGradient;
import io.openmede.model.train.ParameterSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TrainingGradientTest {

  static ClassEmbeddings randomClasses(int k, int dim, long seed) {
    Random r = new Random(seed);
    float[][] v = new float[k][dim];
    List<String> labels = new java.util.ArrayList<>();
    for (int i = 0; i < k; i++) {
      double n = 0;
      for (int j = 0; j < dim; j++) {
        v[i][j] = (float) r.nextGaussian();
        n += v[i][j] * v[i][j];
      }
      for (int j = 0; j < dim; j++) {
        v[i][j] /= (float) Math.sqrt(n);
      }
      labels.add("class " + i);
    }
    return new ClassEmbeddings(labels, v);
  }

  private static NDIndex indexOf(long[] shape, long flat) {
    StringBuilder spec = new StringBuilder();
    Object[] args = new Object[shape.length];
    long rest = flat;
    for (int d = shape.length - 1; d >= 0; d--) {
      args[d] = rest % shape[d];
      rest /= shape[d];
    }
    for (int d = 0; d < shape.length; d++) {
      spec.append(d == 0 ? "{}" : ", {}");
    }
    return new NDIndex(spec.toString(), args);
  }

  private static double lossWithOffset(
      ClipModel model,
      ParameterSet base,
      String name,
      long flat,
      double h,
      VideoBatch batch,
      int[] labels,
      ClassEmbeddings classes) {
    try (ParameterSet at = base.copy()) {
      NDArray a = at.array(name);
      NDIndex idx = indexOf(a.getShape().getShape(), flat);
      double v = a.get(idx).toType(DataType.FLOAT64, false).getDouble();
      a.set(idx, v + h);
      try (LossAndGradient lg = model.lossAndGradient(at, batch, labels, classes)) {
        return lg.loss();
      }
    }
  }

  @Test
  void lossAndGradient_inFloat64_matchesCentralFiniteDifferences() throws Exception {
    try (ClipModel model =
        ClipModel.load(Fixtures.path("weights.safetensors"), ComputeDevice.CPU)) {
      model.castForTesting(DataType.FLOAT64);
      model.setTemporalAttention(true);
      VideoBatch batch =
          new VideoBatch(VideoLearnerTest.randomPixels(2 * 3 * 3 * 32 * 32, 11), 2, 3, 32);
      int[] labels = {1, 3};
      ClassEmbeddings classes = randomClasses(5, 32, 12);
      ParameterSet live = model.parameters();
      Map<String, long[]> probes =
          Map.of(
              "visual.proj", new long[] {5, 77},
              "visual.transformer.resblocks.0.attn.in_proj_weight", new long[] {3, 200 * 128 + 9},
              "visual.transformer.resblocks.1.mlp.c_fc.bias", new long[] {0, 300},
              "visual.conv1.weight", new long[] {17, 1000},
              "visual.ln_pre.weight", new long[] {2, 100},
              "visual.class_embedding", new long[] {64});
      try (LossAndGradient lg = model.lossAndGradient(batch, labels, classes)) {
        for (Map.Entry<String, long[]> p : probes.entrySet()) {
          float[] grad = lg.gradient().values(p.getKey());
          for (long flat : p.getValue()) {
            double h = 1e-6;
            double plus = lossWithOffset(model, live, p.getKey(), flat, h, batch, labels, classes);
            double minus =
                lossWithOffset(model, live, p.getKey(), flat, -h, batch, labels, classes);
            double numeric = (plus - minus) / (2 * h);
            assertThat((double) grad[(int) flat])
                .as("dL/d %s[%d]", p.getKey(), flat)
                .isCloseTo(numeric, within(1e-6 + 1e-4 * Math.abs(numeric)));
          }
        }
        assertThat(lg.gradient().globalNorm()).isGreaterThan(0);
      }
    }
  }

  @Test
  void lossAndGradient_atOtherValues_leavesLiveParametersUnchanged() throws Exception {
    try (ClipModel model = ClipModel.random(ClipConfig.preset("tiny"), 5, ComputeDevice.CPU)) {
      VideoBatch batch =
          new VideoBatch(VideoLearnerTest.randomPixels(2 * 2 * 3 * 32 * 32, 1), 2, 2, 32);
      int[] labels = {0, 2};
      ClassEmbeddings classes = randomClasses(3, 64, 2);
      Map<String, float[]> before = model.parameters().toArrays();
      float[][] videoBefore = model.embedVideos(batch);
      double lossHere;
      try (LossAndGradient here = model.lossAndGradient(batch, labels, classes)) {
        lossHere = here.loss();
      }
      try (ParameterSet other = model.parameters().copy()) {
        other.scale(1.5);
        try (LossAndGradient there = model.lossAndGradient(other, batch, labels, classes)) {
          assertThat(there.loss()).isNotCloseTo(lossHere, within(1e-6));
        }
      }
      Map<String, float[]> after = model.parameters().toArrays();
      for (String n : before.keySet()) {
        assertThat(after.get(n)).as(n).containsExactly(before.get(n));
      }
      assertThat(model.embedVideos(batch)[0]).containsExactly(videoBefore[0]);
    }
  }

  @Test
  void lossAndGradient_atCopyOfLiveParameters_equalsAtCurrentParameters() throws Exception {
    try (ClipModel model = ClipModel.random(ClipConfig.preset("tiny"), 6, ComputeDevice.CPU);
        ParameterSet copy = model.parameters().copy()) {
      VideoBatch batch =
          new VideoBatch(VideoLearnerTest.randomPixels(3 * 2 * 3 * 32 * 32, 1), 3, 2, 32);
      int[] labels = {0, 1, 2};
      ClassEmbeddings classes = randomClasses(4, 64, 3);
      try (LossAndGradient a = model.lossAndGradient(batch, labels, classes);
          LossAndGradient b = model.lossAndGradient(copy, batch, labels, classes)) {
        assertThat(a.loss()).isEqualTo(b.loss());
        assertThat(a.correct()).isEqualTo(b.correct()).isBetween(0, 3);
        assertThat(a.gradient().names()).isEqualTo(model.parameters().names());
        for (String n : a.gradient().names()) {
          assertThat(a.gradient().values(n)).as(n).containsExactly(b.gradient().values(n));
        }
      }
    }
  }

  @Test
  void setFrom_onLiveParameters_changesTheModel() throws Exception {
    try (ClipModel model = ClipModel.random(ClipConfig.preset("tiny"), 7, ComputeDevice.CPU);
        ClipModel other = ClipModel.random(ClipConfig.preset("tiny"), 8, ComputeDevice.CPU)) {
      float[] pixels = VideoLearnerTest.randomPixels(3 * 32 * 32, 9);
      assertThat(model.encodeImages(pixels, 1)[0]).isNotEqualTo(other.encodeImages(pixels, 1)[0]);
      model.parameters().setFrom(other.parameters());
      assertThat(model.encodeImages(pixels, 1)[0])
          .containsExactly(other.encodeImages(pixels, 1)[0]);
    }
  }

  @Test
  void parameters_areTheImageTowerOnly() throws Exception {
    try (ClipModel model = ClipModel.random(ClipConfig.preset("tiny"), 1, ComputeDevice.CPU)) {
      assertThat(model.parameters().names())
          .allMatch(n -> n.startsWith("visual."))
          .contains("visual.proj", "visual.conv1.weight", "visual.class_embedding");
      assertThat(model.parameters().isLive()).isTrue();
    }
  }
}
