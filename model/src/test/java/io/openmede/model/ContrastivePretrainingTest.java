package io.openmede.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import io.openmede.model.train.AdamW;
import io.openmede.model.train.LossAndGradient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContrastivePretrainingTest {

  /** A very small CLIP (16x16 frames, one layer per tower) so that the tests take seconds. */
  static final ClipConfig SMALL = new ClipConfig(16, 16, 1, 64, 8, 16, 49408, 32, 2, 1);

  static final List<String> CAPTIONS =
      List.of(
          "a red disc moving left",
          "a blue square growing",
          "a green star falling",
          "a yellow disc rising",
          "a red square shrinking",
          "a blue disc waving");

  static ContrastivePretraining.Settings settings(double lr, long total) {
    return new ContrastivePretraining.Settings(
        lr, lr / 10, 2, total, new AdamW.Settings(0.9, 0.98, 1e-6, 0.1));
  }

  static float[] pixels(int n, int r, long seed) {
    Random rnd = new Random(seed);
    float[] p = new float[n * 3 * r * r];
    for (int i = 0; i < p.length; i++) {
      p[i] = (float) rnd.nextGaussian();
    }
    return p;
  }

  private static double[] unit(float[] v) {
    double n = 0;
    for (float x : v) {
      n += x * x;
    }
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] / Math.sqrt(n);
    }
    return out;
  }

  @Test
  void loss_equalsSymmetricCrossEntropyComputedByHandFromTheSavedModel(@TempDir Path dir)
      throws Exception {
    int n = CAPTIONS.size();
    float[] images = pixels(n, 16, 3);
    try (ContrastivePretraining p =
        ContrastivePretraining.fromRandom(SMALL, 7, ComputeDevice.CPU, settings(1e-3, 10))) {
      double loss = p.loss(images, CAPTIONS);
      Path file = dir.resolve("w.safetensors");
      p.save(file, "F32", Map.of("seed", "7"));
      try (ClipModel m = ClipModel.load(file, ComputeDevice.CPU)) {
        assertThat(m.config()).isEqualTo(SMALL);
        float[][] img = m.encodeImages(images, n);
        float[][] txt = m.encodeText(p.tokenize(CAPTIONS));
        double s = m.logitScale();
        double[][] logits = new double[n][n];
        for (int i = 0; i < n; i++) {
          double[] a = unit(img[i]);
          for (int j = 0; j < n; j++) {
            double[] b = unit(txt[j]);
            double dot = 0;
            for (int k = 0; k < a.length; k++) {
              dot += a[k] * b[k];
            }
            logits[i][j] = s * dot;
          }
        }
        double rows = 0;
        double cols = 0;
        for (int i = 0; i < n; i++) {
          double zr = 0;
          double zc = 0;
          for (int j = 0; j < n; j++) {
            zr += Math.exp(logits[i][j]);
            zc += Math.exp(logits[j][i]);
          }
          rows += Math.log(zr) - logits[i][i];
          cols += Math.log(zc) - logits[i][i];
        }
        double expected = (rows / n + cols / n) / 2;
        assertThat(loss).isCloseTo(expected, within(1e-4));
        assertThat(s).isCloseTo(1 / 0.07, within(1e-3));
      }
    }
  }

  private static double lossWithOffset(
      ContrastivePretraining p, String name, long[] idx, double h, float[] images, int[][] tok) {
    NDArray a = p.parameters().array(name);
    NDIndex at = index(idx);
    double v = a.get(at).toType(DataType.FLOAT64, false).getDouble();
    a.set(at, v + h);
    try (LossAndGradient lg = p.lossAndGradient(images, tok)) {
      return lg.loss();
    } finally {
      a.set(at, v);
    }
  }

  private static NDIndex index(long[] idx) {
    if (idx.length == 0) {
      return new NDIndex("...");
    }
    StringBuilder spec = new StringBuilder();
    Object[] args = new Object[idx.length];
    for (int d = 0; d < idx.length; d++) {
      spec.append(d == 0 ? "{}" : ", {}");
      args[d] = idx[d];
    }
    return new NDIndex(spec.toString(), args);
  }

  @Test
  void gradient_inFloat64_matchesCentralFiniteDifferencesInBothTowersAndTheScale()
      throws Exception {
    int n = 4;
    float[] images = pixels(n, 16, 5);
    try (ContrastivePretraining p =
        ContrastivePretraining.fromRandom(SMALL, 9, ComputeDevice.CPU, settings(1e-3, 10))) {
      p.castForTesting(DataType.FLOAT64);
      int[][] tok = p.tokenize(CAPTIONS.subList(0, n));
      int usedToken = tok[1][2];
      Map<String, long[]> probes =
          Map.of(
              "logit_scale",
              new long[] {},
              "text_projection",
              new long[] {3, 5},
              "visual.proj",
              new long[] {10, 2},
              "positional_embedding",
              new long[] {2, 3},
              "token_embedding.weight",
              new long[] {usedToken, 7},
              "transformer.resblocks.0.mlp.c_fc.weight",
              new long[] {11, 4},
              "visual.conv1.weight",
              new long[] {5, 1, 2, 3});
      try (LossAndGradient lg = p.lossAndGradient(images, tok)) {
        assertThat(lg.gradient().names()).containsExactlyElementsOf(p.parameters().names());
        for (Map.Entry<String, long[]> probe : probes.entrySet()) {
          String name = probe.getKey();
          long[] idx = probe.getValue();
          double analytic =
              lg.gradient().array(name).get(index(idx)).toType(DataType.FLOAT64, false).getDouble();
          double h = 1e-6;
          double numeric =
              (lossWithOffset(p, name, idx, h, images, tok)
                      - lossWithOffset(p, name, idx, -h, images, tok))
                  / (2 * h);
          assertThat(analytic)
              .as("dL/d %s", name)
              .isCloseTo(numeric, within(1e-7 + 1e-4 * Math.abs(numeric)));
        }
        assertThat(lg.gradient().values("logit_scale")[0]).isNotZero();
      }
    }
  }

  @Test
  void step_onAFixedBatch_reducesTheLossAndKeepsTheScaleClamped() throws Exception {
    int n = CAPTIONS.size();
    float[] images = pixels(n, 16, 11);
    try (ContrastivePretraining p =
        ContrastivePretraining.fromRandom(SMALL, 13, ComputeDevice.CPU, settings(3e-3, 30))) {
      double first = p.loss(images, CAPTIONS);
      double last = first;
      for (int i = 0; i < 30; i++) {
        ContrastivePretraining.StepReport r = p.step(images, CAPTIONS);
        assertThat(r.step()).isEqualTo(i);
        assertThat(r.logitScale()).isBetween(1.0, 100.0 + 1e-6);
        last = r.loss();
      }
      double after = p.loss(images, CAPTIONS);
      assertThat(first).isCloseTo(Math.log(n), within(1.0));
      assertThat(after).isLessThan(first * 0.3);
      assertThat(last).isLessThan(first);
      assertThat(p.steps()).isEqualTo(30);
    }
  }

  @Test
  void learningRate_warmsUpLinearlyThenFollowsTheCosine() {
    ContrastivePretraining.Settings s = settings(1e-3, 12);
    assertThat(s.learningRate(0)).isCloseTo(5e-4, within(1e-12));
    assertThat(s.learningRate(1)).isCloseTo(1e-3, within(1e-12));
    assertThat(s.learningRate(7)).isCloseTo(1e-4 + 0.9e-3 * 0.5, within(1e-12));
    assertThat(s.learningRate(12)).isCloseTo(1e-4, within(1e-12));
    assertThat(s.learningRate(100)).isCloseTo(1e-4, within(1e-12));
  }

  @Test
  void save_inF16_isReadBackByClipModelLoad(@TempDir Path dir) throws Exception {
    try (ContrastivePretraining p =
        ContrastivePretraining.fromRandom(SMALL, 1, ComputeDevice.CPU, settings(1e-3, 10))) {
      Path f16 = dir.resolve("w16.safetensors");
      Path f32 = dir.resolve("w32.safetensors");
      p.save(f16, "F16", Map.of());
      p.save(f32, "F32", Map.of());
      assertThat(Files.size(f16)).isLessThan(Files.size(f32) * 6 / 10);
      try (ClipModel m = ClipModel.load(f16, ComputeDevice.CPU)) {
        assertThat(m.config()).isEqualTo(SMALL);
        assertThat(m.logitScale()).isCloseTo(p.logitScale(), within(0.05));
      }
    }
  }

  @Test
  void save_isByteIdenticalWhateverTheOrderOfTheExtraMetadata(@TempDir Path dir) throws Exception {
    // the bundled weights must be reproducible bit for bit: Map.of iterates in an order that
    // changes between JVMs, so the writer may not follow the caller's map order
    java.util.LinkedHashMap<String, String> ab = new java.util.LinkedHashMap<>();
    ab.put("openmede.seed", "1");
    ab.put("openmede.command", "x");
    ab.put("openmede.steps", "2");
    java.util.LinkedHashMap<String, String> ba = new java.util.LinkedHashMap<>();
    ba.put("openmede.steps", "2");
    ba.put("openmede.command", "x");
    ba.put("openmede.seed", "1");
    try (ContrastivePretraining p =
        ContrastivePretraining.fromRandom(SMALL, 1, ComputeDevice.CPU, settings(1e-3, 10))) {
      Path a = dir.resolve("a.safetensors");
      Path b = dir.resolve("b.safetensors");
      p.save(a, "F16", ab);
      p.save(b, "F16", ba);
      assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
    }
  }
}
