package io.openmede.trainer.averaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.openmede.model.ComputeDevice;
import io.openmede.model.train.ParameterSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GaussianWeightAverageTest {

  private static final double MU = 15;
  private static final double SIGMA = 10;
  private static final int R = 22;

  private static List<float[]> snapshots(int count, int dim) {
    Random r = new Random(42);
    List<float[]> out = new ArrayList<>();
    for (int t = 0; t < count; t++) {
      float[] v = new float[dim];
      for (int i = 0; i < dim; i++) {
        v[i] = (float) r.nextGaussian();
      }
      out.add(v);
    }
    return out;
  }

  /** Σ α_t θ_t with α_t = w_t / Σ w, in double, straight from Eq. 11–12. */
  private static double[] direct(List<float[]> thetas, int firstT) {
    double wSum = 0;
    for (int k = 0; k < thetas.size(); k++) {
      wSum += pdf(firstT + k);
    }
    double[] out = new double[thetas.get(0).length];
    for (int k = 0; k < thetas.size(); k++) {
      double a = pdf(firstT + k) / wSum;
      for (int i = 0; i < out.length; i++) {
        out[i] += a * thetas.get(k)[i];
      }
    }
    return out;
  }

  private static double pdf(double t) {
    return Math.exp(-(t - MU) * (t - MU) / (2 * SIGMA * SIGMA)) / (SIGMA * Math.sqrt(2 * Math.PI));
  }

  private static void assertClose(float[] actual, double[] expected) {
    for (int i = 0; i < expected.length; i++) {
      assertThat((double) actual[i]).isCloseTo(expected[i], within(1e-6));
    }
  }

  @Test
  void weight_isTheGaussianPdf() {
    assertThat(GaussianWeightAverage.weight(15, 15, 10)).isCloseTo(0.039894228, within(1e-9));
    assertThat(GaussianWeightAverage.weight(5, 15, 10)).isCloseTo(0.024197072, within(1e-9));
  }

  @Test
  void afterRSnapshots_withoutTheta0_equalsWeightedSumOfSnapshots() {
    List<float[]> thetas = snapshots(R + 1, 50);
    try (GaussianWeightAverage<float[]> gwa =
        new GaussianWeightAverage<>(FloatArrayAlgebra.INSTANCE, MU, SIGMA, R, 3, false)) {
      gwa.begin(thetas.get(0));
      Optional<float[]> published = Optional.empty();
      for (int t = 1; t <= R; t++) {
        for (long u = 3L * (t - 1) + 1; u < 3L * t; u++) {
          assertThat(gwa.afterUpdate(u, thetas.get(t))).isEmpty();
        }
        published = gwa.afterUpdate(3L * t, thetas.get(t));
        if (t < R) {
          assertThat(published).isEmpty();
          assertThat(gwa.state().snapshotIndex()).isEqualTo(t);
        }
      }
      assertThat(published).isPresent();
      assertClose(published.get(), direct(thetas.subList(1, R + 1), 1));
      assertThat(gwa.state().snapshotIndex()).isZero();
      assertThat(gwa.state().cycles()).isEqualTo(1);
      assertThat(gwa.current()).isEmpty();
    }
  }

  @Test
  void afterRSnapshots_withTheta0_includesItAsTZero() {
    List<float[]> thetas = snapshots(R + 1, 50);
    try (GaussianWeightAverage<float[]> gwa =
        new GaussianWeightAverage<>(FloatArrayAlgebra.INSTANCE, MU, SIGMA, R, 1, true)) {
      gwa.begin(thetas.get(0));
      Optional<float[]> published = Optional.empty();
      for (int t = 1; t <= R; t++) {
        published = gwa.afterUpdate(t, thetas.get(t));
      }
      assertClose(published.orElseThrow(), direct(thetas, 0));
      // the next cycle starts from the current θ as its θ0
      assertThat(gwa.current()).isPresent();
      assertThat(gwa.state().weightSum()).isCloseTo(pdf(0), within(1e-15));
    }
  }

  @Test
  void runningAverage_onParameterSets_equalsWeightedSum() {
    List<float[]> thetas = snapshots(5, 6);
    int r = 4;
    List<ParameterSet> sets = new ArrayList<>();
    for (float[] v : thetas) {
      sets.add(
          ParameterSet.fromArrays(
              Map.of("w", v), Map.of("w", new long[] {2, 3}), ComputeDevice.CPU));
    }
    try (GaussianWeightAverage<ParameterSet> gwa =
        new GaussianWeightAverage<>(ParameterSetAlgebra.INSTANCE, 2.5, 1.5, r, 2, false)) {
      gwa.begin(sets.get(0));
      Optional<ParameterSet> published = Optional.empty();
      for (int t = 1; t <= r; t++) {
        assertThat(gwa.afterUpdate(2L * t - 1, sets.get(t))).isEmpty();
        published = gwa.afterUpdate(2L * t, sets.get(t));
      }
      try (ParameterSet avg = published.orElseThrow()) {
        double wSum = 0;
        for (int t = 1; t <= r; t++) {
          wSum += GaussianWeightAverage.weight(t, 2.5, 1.5);
        }
        float[] actual = avg.values("w");
        for (int i = 0; i < 6; i++) {
          double e = 0;
          for (int t = 1; t <= r; t++) {
            e += GaussianWeightAverage.weight(t, 2.5, 1.5) / wSum * thetas.get(t)[i];
          }
          assertThat((double) actual[i]).isCloseTo(e, within(1e-6));
        }
      }
    } finally {
      sets.forEach(ParameterSet::close);
    }
  }

  @Test
  void restore_midCycle_continuesToTheSameAverage() {
    List<float[]> thetas = snapshots(7, 10);
    float[] uninterrupted;
    try (GaussianWeightAverage<float[]> gwa =
        new GaussianWeightAverage<>(FloatArrayAlgebra.INSTANCE, 3, 2, 6, 1, false)) {
      Optional<float[]> p = Optional.empty();
      for (int t = 1; t <= 6; t++) {
        p = gwa.afterUpdate(t, thetas.get(t));
      }
      uninterrupted = p.orElseThrow();
    }
    AverageState<float[]> saved;
    try (GaussianWeightAverage<float[]> first =
        new GaussianWeightAverage<>(FloatArrayAlgebra.INSTANCE, 3, 2, 6, 1, false)) {
      for (int t = 1; t <= 3; t++) {
        first.afterUpdate(t, thetas.get(t));
      }
      AverageState<float[]> s = first.state();
      saved =
          new AverageState<>(
              s.accumulator().map(float[]::clone), s.weightSum(), s.snapshotIndex(), s.cycles());
    }
    try (GaussianWeightAverage<float[]> resumed =
        new GaussianWeightAverage<>(FloatArrayAlgebra.INSTANCE, 3, 2, 6, 1, false)) {
      resumed.restore(saved);
      Optional<float[]> p = Optional.empty();
      for (int t = 4; t <= 6; t++) {
        p = resumed.afterUpdate(t, thetas.get(t));
      }
      assertThat(p.orElseThrow()).containsExactly(uninterrupted);
    }
  }

  @Test
  void swa_isTheUniformMean_emaFollowsDecay() {
    List<float[]> thetas = snapshots(4, 3);
    try (StochasticWeightAverage<float[]> swa =
        new StochasticWeightAverage<>(FloatArrayAlgebra.INSTANCE, 3, 1)) {
      swa.afterUpdate(1, thetas.get(1));
      swa.afterUpdate(2, thetas.get(2));
      float[] mean = swa.afterUpdate(3, thetas.get(3)).orElseThrow();
      for (int i = 0; i < 3; i++) {
        double e = (thetas.get(1)[i] + thetas.get(2)[i] + (double) thetas.get(3)[i]) / 3;
        assertThat((double) mean[i]).isCloseTo(e, within(1e-6));
      }
    }
    try (ExponentialMovingAverage<float[]> ema =
        new ExponentialMovingAverage<>(FloatArrayAlgebra.INSTANCE, 0.9, 2)) {
      assertThat(ema.afterUpdate(1, thetas.get(1))).isEmpty();
      float[] e = ema.afterUpdate(2, thetas.get(2)).orElseThrow();
      for (int i = 0; i < 3; i++) {
        double x = 0.9 * thetas.get(1)[i] + 0.1 * thetas.get(2)[i];
        assertThat((double) e[i]).isCloseTo(x, within(1e-6));
      }
    }
  }
}
