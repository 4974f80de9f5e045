package io.openmede.bench.recognizer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PercentilesTest {

  @Test
  void median_andPercentile() {
    assertThat(Percentiles.median(new double[] {3, 1, 2})).isEqualTo(2);
    assertThat(Percentiles.median(new double[] {4, 1, 2, 3})).isEqualTo(2.5);
    double[] hundred = new double[100];
    for (int i = 0; i < 100; i++) {
      hundred[i] = 100 - i;
    }
    assertThat(Percentiles.percentile(hundred, 50)).isEqualTo(50);
    assertThat(Percentiles.percentile(hundred, 99)).isEqualTo(99);
  }
}
