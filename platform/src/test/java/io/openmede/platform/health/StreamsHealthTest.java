package io.openmede.platform.health;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class StreamsHealthTest {

  @Test
  void running_isReady_startingOrRebalancing_isNotReady() {
    assertThat(StreamsHealth.report(KafkaStreams.State.RUNNING, false, "x").state())
        .isEqualTo(Health.State.READY);
    assertThat(StreamsHealth.report(KafkaStreams.State.CREATED, false, "x").state())
        .isEqualTo(Health.State.NOT_READY);
    assertThat(StreamsHealth.report(KafkaStreams.State.REBALANCING, false, "x").reason())
        .contains("REBALANCING");
  }

  @ParameterizedTest
  @EnumSource(
      value = KafkaStreams.State.class,
      names = {"PENDING_ERROR", "ERROR"})
  void anError_isDead_andSaysWhatStopped_evenWhileClosing(KafkaStreams.State s) {
    for (boolean closing : new boolean[] {false, true}) {
      Health.Report r = StreamsHealth.report(s, closing, "no window is recognized");
      assertThat(r.state()).isEqualTo(Health.State.DEAD);
      assertThat(r.reason()).contains(s.name()).contains("no window is recognized");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = KafkaStreams.State.class,
      names = {"PENDING_SHUTDOWN", "NOT_RUNNING"})
  void stopping_isDeadWhileTheServiceRuns_andOnlyNotReadyWhileItCloses(KafkaStreams.State s) {
    assertThat(StreamsHealth.report(s, false, "x").state()).isEqualTo(Health.State.DEAD);
    assertThat(StreamsHealth.report(s, true, "x").state()).isEqualTo(Health.State.NOT_READY);
  }

  @ParameterizedTest
  @EnumSource(KafkaStreams.State.class)
  void everyState_isReadyOnlyWhenRunning_andOtherwiseNamesTheState(KafkaStreams.State s) {
    Health.Report r = StreamsHealth.report(s, false, "x");
    if (s == KafkaStreams.State.RUNNING) {
      assertThat(r.state()).isEqualTo(Health.State.READY);
    } else {
      assertThat(r.state()).isNotEqualTo(Health.State.READY);
      assertThat(r.reason()).contains(s.name());
    }
  }
}
