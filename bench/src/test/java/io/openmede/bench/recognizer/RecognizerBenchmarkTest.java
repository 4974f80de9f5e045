package io.openmede.bench.recognizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class RecognizerBenchmarkTest {

  private static final long MS = 1_000_000L;

  @Test
  void steadyRate_countsTheWindowsMadeVisibleAfterTheFirstBurst() {
    // bursts of 10 windows every 100 ms (one per transaction), the first at 250 ms
    long[] arrivals = new long[50];
    for (int i = 0; i < arrivals.length; i++) {
      arrivals[i] = 250 * MS + (i / 10) * 100 * MS + (i % 10) * MS; // a burst spans 9 ms
    }
    // 40 windows in the 409 ms after the first arrival
    assertThat(RecognizerBenchmark.steadyRate(arrivals)).isCloseTo(40 / 0.409, within(1e-9));
  }

  @Test
  void steadyRate_singleBurstOrNothing_isNaN() {
    assertThat(RecognizerBenchmark.steadyRate(new long[] {5 * MS, 6 * MS})).isNaN();
    assertThat(RecognizerBenchmark.steadyRate(new long[] {5 * MS})).isNaN();
  }

  @Test
  void latencies_ofTheWindowsSentInAHalfOpenInterval() {
    // {sent ns, received ns, in-topology µs}
    List<long[]> received =
        List.of(
            new long[] {10 * MS, 60 * MS, 7_000},
            new long[] {20 * MS, 45 * MS, 3_000},
            new long[] {30 * MS, 130 * MS, 9_000});
    assertThat(RecognizerBenchmark.endToEndMs(received, 10 * MS, 30 * MS))
        .containsExactly(50.0, 25.0);
    assertThat(RecognizerBenchmark.inTopologyMs(received, 20 * MS, 31 * MS))
        .containsExactly(3.0, 9.0);
  }

  @Test
  void median_andPercentile() {
    assertThat(RecognizerBenchmark.median(new double[] {3, 1, 2})).isEqualTo(2);
    assertThat(RecognizerBenchmark.median(new double[] {4, 1, 2, 3})).isEqualTo(2.5);
    double[] hundred = new double[100];
    for (int i = 0; i < 100; i++) {
      hundred[i] = 100 - i;
    }
    assertThat(RecognizerBenchmark.percentile(hundred, 50)).isEqualTo(50);
    assertThat(RecognizerBenchmark.percentile(hundred, 99)).isEqualTo(99);
  }
}
