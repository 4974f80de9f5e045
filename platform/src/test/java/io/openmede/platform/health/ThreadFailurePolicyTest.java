package io.openmede.platform.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ThreadFailurePolicyTest {

  private final AtomicLong progress = new AtomicLong();
  private final RuntimeException boom = new RuntimeException("boom");

  private ThreadFailurePolicy policy(int max, Duration per, int withoutProgress) {
    return new ThreadFailurePolicy("test", max, per, withoutProgress, progress::get, "batch");
  }

  @Test
  void replacesAFailedThread_untilFailuresRepeatTooOften_thenStops() {
    ThreadFailurePolicy p = policy(3, Duration.ofMinutes(1), 100);
    for (int i = 0; i < 3; i++) {
      assertThat(p.replace(boom)).isTrue();
    }
    assertThat(p.replace(boom)).isFalse();
  }

  @Test
  void failuresOlderThanTheWindowAreForgotten() throws Exception {
    ThreadFailurePolicy p = policy(1, Duration.ofMillis(50), 100);
    assertThat(p.replace(boom)).isTrue();
    Thread.sleep(120);
    assertThat(p.replace(boom)).isTrue();
    assertThat(p.replace(boom)).isFalse();
  }

  @Test
  void slowFailuresWithNothingReadInBetween_stop_butProgressResetsTheCount() {
    ThreadFailurePolicy p = policy(100, Duration.ofMillis(1), 3);
    assertThat(p.replace(boom)).isTrue();
    assertThat(p.replace(boom)).isTrue();
    progress.addAndGet(5); // the service read something between these failures
    assertThat(p.replace(boom)).isTrue();
    assertThat(p.replace(boom)).isTrue();
    assertThat(p.replace(boom)).isFalse();
  }
}
