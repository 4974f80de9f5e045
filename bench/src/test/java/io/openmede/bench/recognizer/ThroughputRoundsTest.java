package io.openmede.bench.recognizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ThroughputRoundsTest {

  private static final long MS = 1_000_000L;

  @Test
  void steadyRate_countsTheWindowsMadeVisibleAfterTheFirstBurst() {
    // bursts of 10 windows every 100 ms (one per transaction), the first at 250 ms
    long[] arrivals = new long[50];
    for (int i = 0; i < arrivals.length; i++) {
      arrivals[i] = 250 * MS + (i / 10) * 100 * MS + (i % 10) * MS; // a burst spans 9 ms
    }
    // 40 windows in the 409 ms after the first arrival
    assertThat(ThroughputRounds.steadyRate(arrivals)).isCloseTo(40 / 0.409, within(1e-9));
  }

  @Test
  void steadyRate_singleBurstOrNothing_isNaN() {
    assertThat(ThroughputRounds.steadyRate(new long[] {5 * MS, 6 * MS})).isNaN();
    assertThat(ThroughputRounds.steadyRate(new long[] {5 * MS})).isNaN();
  }
}
