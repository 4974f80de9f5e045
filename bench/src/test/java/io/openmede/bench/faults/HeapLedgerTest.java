package io.openmede.bench.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HeapLedgerTest {

  private static final long MIB = 1024 * 1024;

  @Test
  void sample_keepsFirstLastAndMaxPerProcess() {
    HeapLedger h = new HeapLedger();
    h.sample("events", 100 * MIB);
    h.sample("events", 300 * MIB);
    h.sample("events", 150 * MIB);
    h.sample("labeler", 50 * MIB);
    HeapLedger.Figures e = h.figures().get("events");
    assertThat(e.samples()).isEqualTo(3);
    assertThat(e.firstMb()).isEqualTo(100);
    assertThat(e.lastMb()).isEqualTo(150);
    assertThat(e.maxMb()).isEqualTo(300);
    assertThat(h.maxMb()).isEqualTo(300);
    assertThat(h.over(200)).containsOnlyKeys("events");
    assertThat(h.over(300)).isEmpty();
  }

  @Test
  void maxMb_withoutSamplesIsZero_aNegativeSampleIsRefused() {
    HeapLedger h = new HeapLedger();
    assertThat(h.maxMb()).isZero();
    assertThatThrownBy(() -> h.sample("x", -1)).hasMessageContaining("below 0");
  }
}
