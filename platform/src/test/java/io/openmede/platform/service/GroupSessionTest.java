package io.openmede.platform.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GroupSessionTest {

  @Test
  void kafkasDefault_heartbeatsEvery3s() {
    assertThat(GroupSession.streamsProperties("x", Duration.ofSeconds(45)))
        .containsEntry("consumer.session.timeout.ms", 45_000)
        .containsEntry("consumer.heartbeat.interval.ms", 3000);
  }

  @Test
  void aShortSession_heartbeatsEveryThirdOfIt() {
    assertThat(GroupSession.streamsProperties("x", Duration.ofSeconds(6)))
        .containsEntry("consumer.session.timeout.ms", 6000)
        .containsEntry("consumer.heartbeat.interval.ms", 2000);
  }

  @Test
  void lessThanASecond_isRefused_namingTheSetting() {
    assertThatThrownBy(() -> GroupSession.streamsProperties("a.b", Duration.ofMillis(500)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a.b must be at least 1s")
        .hasMessageContaining("500ms");
  }
}
