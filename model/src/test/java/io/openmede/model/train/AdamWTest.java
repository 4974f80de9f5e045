package io.openmede.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.openmede.model.ComputeDevice;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdamWTest {

  /** PyTorch's AdamW for one scalar, in double precision. */
  static final class HandAdamW {
    double p;
    double m;
    double v;
    final boolean decay;

    HandAdamW(double p, boolean decay) {
      this.p = p;
      this.decay = decay;
    }

    void step(double g, double lr, int t, double b1, double b2, double eps, double wd) {
      if (decay) {
        p -= lr * wd * p;
      }
      m = b1 * m + (1 - b1) * g;
      v = b2 * v + (1 - b2) * g * g;
      double mh = m / (1 - Math.pow(b1, t));
      double vh = v / (1 - Math.pow(b2, t));
      p -= lr * mh / (Math.sqrt(vh) + eps);
    }
  }

  @Test
  void step_threeSteps_matchesPyTorchSemanticsByHand() {
    float[] w0 = {0.5f, -1.5f, 2.0f, 0.1f};
    float[] b0 = {0.3f, -0.7f};
    float[][] gw = {
      {0.1f, -0.2f, 0.3f, 0.0f}, {-0.5f, 0.1f, 0.2f, 1.0f}, {0.05f, 0.05f, -2f, 0.3f}
    };
    float[][] gb = {{1f, -1f}, {0.5f, 0.25f}, {-0.1f, 2f}};
    double b1 = 0.9;
    double b2 = 0.98;
    double eps = 1e-6;
    double wd = 0.1;
    double[] lrs = {0.01, 0.02, 0.005};
    HandAdamW[] hw = new HandAdamW[4];
    HandAdamW[] hb = new HandAdamW[2];
    for (int i = 0; i < 4; i++) {
      hw[i] = new HandAdamW(w0[i], true);
    }
    for (int i = 0; i < 2; i++) {
      hb[i] = new HandAdamW(b0[i], false);
    }
    try (ParameterSet p = ParameterSetTest.set(w0.clone(), b0.clone());
        AdamW opt = new AdamW(b1, b2, eps, wd)) {
      for (int t = 0; t < 3; t++) {
        try (ParameterSet g = ParameterSetTest.set(gw[t], gb[t])) {
          opt.step(p, g, lrs[t]);
        }
        for (int i = 0; i < 4; i++) {
          hw[i].step(gw[t][i], lrs[t], t + 1, b1, b2, eps, wd);
        }
        for (int i = 0; i < 2; i++) {
          hb[i].step(gb[t][i], lrs[t], t + 1, b1, b2, eps, wd);
        }
      }
      assertThat(opt.step()).isEqualTo(3);
      float[] w = p.values("w");
      float[] b = p.values("b");
      for (int i = 0; i < 4; i++) {
        assertThat((double) w[i]).isCloseTo(hw[i].p, within(1e-6));
      }
      for (int i = 0; i < 2; i++) {
        assertThat((double) b[i]).isCloseTo(hb[i].p, within(1e-6));
      }
    }
  }

  @Test
  void step_oneDimensionalTensors_getNoWeightDecay() {
    try (ParameterSet p = ParameterSetTest.set(new float[] {1, 1}, new float[] {1});
        ParameterSet g = p.zerosLike();
        AdamW opt = new AdamW(0.9, 0.999, 1e-8, 0.5)) {
      opt.step(p, g, 0.1);
      assertThat(p.values("w")).containsExactly(0.95f, 0.95f);
      assertThat(p.values("b")).containsExactly(1f);
    }
  }

  @Test
  void saveAndLoad_resumesExactly(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("adamw.safetensors");
    try (ParameterSet p1 = ParameterSetTest.set(new float[] {1, 2}, new float[] {3});
        ParameterSet g = ParameterSetTest.set(new float[] {0.3f, -0.1f}, new float[] {0.7f});
        AdamW a = new AdamW(0.8, 0.95, 1e-7, 0.05)) {
      a.step(p1, g, 0.01);
      a.save(file);
      try (ParameterSet p2 = p1.copy();
          AdamW b = AdamW.load(file, ComputeDevice.CPU)) {
        assertThat(b.step()).isEqualTo(1);
        assertThat(b.settings()).isEqualTo(a.settings());
        a.step(p1, g, 0.02);
        b.step(p2, g, 0.02);
        assertThat(p2.values("w")).containsExactly(p1.values("w"));
        assertThat(p2.values("b")).containsExactly(p1.values("b"));
      }
    }
  }
}
