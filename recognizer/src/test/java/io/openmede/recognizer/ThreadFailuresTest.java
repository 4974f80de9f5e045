package io.openmede.recognizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class ThreadFailuresTest {

  @Test
  void replacesAFailedThread_untilFailuresRepeatTooOften_thenStopsTheClient() {
    RecognizerService.ThreadFailures failures =
        new RecognizerService.ThreadFailures(3, Duration.ofMinutes(1));
    RuntimeException boom = new RuntimeException("boom");
    for (int i = 0; i < 3; i++) {
      assertThat(failures.handle(boom)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }
    assertThat(failures.handle(boom)).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
  }

  @Test
  void failuresOlderThanTheWindowAreForgotten() throws Exception {
    RecognizerService.ThreadFailures failures =
        new RecognizerService.ThreadFailures(1, Duration.ofMillis(50));
    RuntimeException boom = new RuntimeException("boom");
    assertThat(failures.handle(boom)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    Thread.sleep(120);
    assertThat(failures.handle(boom)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    assertThat(failures.handle(boom)).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
  }
}
