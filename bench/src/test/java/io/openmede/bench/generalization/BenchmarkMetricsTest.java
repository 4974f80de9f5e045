package io.openmede.bench.generalization;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchmarkMetricsTest {

  @Test
  void topK_countsTiesAgainstTheLabel() {
    double[][] p = {{0.5, 0.3, 0.2}, {0.4, 0.4, 0.2}, {0.1, 0.2, 0.7}};
    int[] labels = {0, 1, 0};
    assertThat(GeneralizationBenchmark.topK(p, labels, 1)).isEqualTo(1.0 / 3);
    assertThat(GeneralizationBenchmark.topK(p, labels, 2)).isEqualTo(2.0 / 3);
    assertThat(GeneralizationBenchmark.topK(p, labels, 3)).isEqualTo(1.0);
  }

  @Test
  void methodResult_meanAndSampleStd_overSeeds() {
    MethodResult r =
        new MethodResult(
            "x", List.of(new Scores(0.2, 1, 0.6, 1, 0, 0, 0), new Scores(0.4, 1, 0.2, 1, 0, 0, 1)));
    assertThat(r.mean("base_top1")).isEqualTo(0.3, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(r.std()[0])
        .isEqualTo(Math.sqrt(0.02), org.assertj.core.api.Assertions.within(1e-12));
    // hm of (0.2, 0.6) = 0.3 and of (0.4, 0.2) = 0.2667
    assertThat(r.mean("hm"))
        .isEqualTo((0.3 + 2 * 0.4 * 0.2 / 0.6) / 2, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(r.mean("scene_only_confident")).isEqualTo(0.5);
  }
}
