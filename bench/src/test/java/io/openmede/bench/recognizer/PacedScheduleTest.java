package io.openmede.bench.recognizer;

import static io.openmede.bench.recognizer.PacedSchedule.Segment.QUIET;
import static io.openmede.bench.recognizer.PacedSchedule.Segment.STEADY;
import static io.openmede.bench.recognizer.PacedSchedule.Segment.SWAP;
import static io.openmede.bench.recognizer.PacedSchedule.Segment.VOCABULARY;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PacedScheduleTest {

  @Test
  void of_cutsTheSecondsIntoThreePlusTwoPerSwapSegments_theLeadInCountedAsOne() {
    PacedSchedule s = PacedSchedule.of(100, 39, 2);
    assertThat(s.measured()).containsExactly(STEADY, VOCABULARY, QUIET, SWAP, QUIET, SWAP);
    assertThat(s.rehearsals()).containsExactly(VOCABULARY, SWAP);
    assertThat(s.periodNanos()).isEqualTo(10_000_000L);
    assertThat(s.segmentSteps()).isEqualTo(557); // 100 windows/s x 39 s / 7 segments
    assertThat(s.segmentNanos()).isEqualTo(5_570_000_000L);
    assertThat(s.measuredSteps()).isEqualTo(6 * 557);
    assertThat(s.swaps()).isEqualTo(3); // the rehearsal's checkpoint and the two measured
  }

  @Test
  void of_aSegmentIsAtLeastOneStep() {
    assertThat(PacedSchedule.of(0.5, 7, 2).segmentSteps()).isEqualTo(1);
  }

  @Test
  void run_findsTheEventsAtTheStartOfTheirSegments() {
    PacedSchedule s = PacedSchedule.of(100, 39, 2);
    long[] starts = {100, 200, 300, 400, 500, 600};
    PacedRun run = new PacedRun(s, 3, 90, starts, List.of(), "", List.of(), 250 + 7_000_000);
    assertThat(run.vocabularySentAt()).isEqualTo(200);
    assertThat(run.swapSentAt()).containsExactly(400, 600);
    assertThat(run.vocabularyApplyMs()).isEqualTo(7.00005);
    assertThat(new PacedRun(s, 3, 90, starts, List.of(), "", List.of(), 0).vocabularyApplyMs())
        .isNaN();
  }
}
