package io.openmede.schemas.values;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.schemas.values.StreamBounds.Position;
import io.openmede.schemas.values.StreamBounds.Verdict;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StreamBoundsTest {

  static final StreamBounds B =
      new StreamBounds(1000, Duration.ofMinutes(10), Duration.ofSeconds(60));
  static final long NOW = 1_000_000_000L;
  static final Position AT = new Position(5000, 2_000_000L, NOW - 1000);

  @Test
  void judge_nextRecords_accepted() {
    assertThat(B.judge(AT, 5008, 2_000_320L, NOW).verdict()).isEqualTo(Verdict.ACCEPT);
    assertThat(B.judge(AT, 6000, 2_000_000L + 600_000, NOW).verdict()).isEqualTo(Verdict.ACCEPT);
    assertThat(B.judge(AT, 4000, 0, NOW).verdict()).isEqualTo(Verdict.ACCEPT);
  }

  @Test
  void judge_sequenceNearTheTopOfTheRange_refusedWithoutOverflow() {
    StreamBounds.Judgement j = B.judge(AT, Long.MAX_VALUE - 3, 2_000_000L, NOW);
    assertThat(j.verdict()).isEqualTo(Verdict.REFUSE);
    assertThat(j.reason())
        .contains("ahead of the stream's position 5000")
        .contains("streams.max-sequence-jump=1000");
    Position low = new Position(Long.MIN_VALUE + 5, 0, NOW);
    assertThat(B.judge(low, Long.MAX_VALUE, 0, NOW).verdict()).isEqualTo(Verdict.REFUSE);
  }

  @Test
  void judge_farBehindOrTimeFarAhead_refused() {
    assertThat(B.judge(AT, 3999, 2_000_000L, NOW).verdict()).isEqualTo(Verdict.REFUSE);
    StreamBounds.Judgement year9999 = B.judge(AT, 5008, 253_370_764_800_000L, NOW);
    assertThat(year9999.verdict()).isEqualTo(Verdict.REFUSE);
    assertThat(year9999.reason()).contains("streams.max-time-jump=PT10M");
  }

  @Test
  void judge_outOfBoundsAfterTheStreamWasQuietForResyncAfter_resyncs() {
    Position quiet = new Position(5000, 2_000_000L, NOW - 60_000);
    assertThat(B.judge(quiet, 0, 0, NOW).verdict()).isEqualTo(Verdict.RESYNC);
    assertThat(B.judge(quiet, 5008, 2_000_320L, NOW).verdict()).isEqualTo(Verdict.ACCEPT);
    Position recent = new Position(5000, 2_000_000L, NOW - 59_999);
    assertThat(B.judge(recent, 0, 0, NOW).verdict()).isEqualTo(Verdict.REFUSE);
  }
}
