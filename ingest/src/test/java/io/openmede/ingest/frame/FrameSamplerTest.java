package io.openmede.ingest.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameSamplerTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static List<Integer> kept(FrameSampler sampler, double sourceFps, int frames) {
    List<Integer> kept = new ArrayList<>();
    for (int i = 0; i < frames; i++) {
      // microsecond timestamps as FFmpeg gives them
      long micros = (long) Math.floor(i * 1_000_000 / sourceFps);
      if (sampler.keep(T0.plusNanos(micros * 1000))) {
        kept.add(i);
      }
    }
    return kept;
  }

  @Test
  void keep_30fpsTo10fps_keepsEveryThirdFrame() {
    assertThat(kept(new FrameSampler(10), 30, 12)).containsExactly(0, 3, 6, 9);
  }

  @Test
  void keep_25fpsTo10fps_keepsTenFramesPerSecond() {
    List<Integer> kept = kept(new FrameSampler(10), 25, 250);
    assertThat(kept).hasSize(100);
    assertThat(kept.subList(0, 5)).containsExactly(0, 3, 5, 8, 10);
  }

  @Test
  void keep_targetAboveSourceRate_keepsEveryFrame() {
    assertThat(kept(new FrameSampler(60), 30, 30)).hasSize(30);
  }

  @Test
  void keep_afterAGap_restartsTheScheduleWithoutABurst() {
    FrameSampler sampler = new FrameSampler(10);
    assertThat(sampler.keep(T0)).isTrue();
    assertThat(sampler.keep(T0.plusSeconds(5))).isTrue();
    assertThat(sampler.keep(T0.plusSeconds(5).plusMillis(50))).isFalse();
    assertThat(sampler.keep(T0.plusSeconds(5).plusMillis(100))).isTrue();
  }

  @Test
  void constructor_nonPositiveRate_isRejected() {
    assertThatThrownBy(() -> new FrameSampler(0)).hasMessageContaining("target frame rate 0.0");
  }
}
