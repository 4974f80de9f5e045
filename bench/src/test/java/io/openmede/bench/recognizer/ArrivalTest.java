package io.openmede.bench.recognizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ArrivalTest {

  private static final long MS = 1_000_000L;

  @Test
  void latencies_ofTheWindowsSentInAHalfOpenInterval() {
    // sent ns, read ns, in-topology µs
    List<Arrival> received =
        List.of(
            new Arrival(10 * MS, 60 * MS, 7_000, 0),
            new Arrival(20 * MS, 45 * MS, 3_000, 0),
            new Arrival(30 * MS, 130 * MS, 9_000, 0));
    assertThat(Arrival.endToEndMs(received, 10 * MS, 30 * MS)).containsExactly(50.0, 25.0);
    assertThat(Arrival.inTopologyMs(received, 20 * MS, 31 * MS)).containsExactly(3.0, 9.0);
  }
}
