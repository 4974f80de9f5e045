package io.openmede.bench.recognizer;

import static io.openmede.bench.recognizer.PacedSchedule.Segment.QUIET;
import static io.openmede.bench.recognizer.PacedSchedule.Segment.STEADY;
import static io.openmede.bench.recognizer.PacedSchedule.Segment.SWAP;
import static io.openmede.bench.recognizer.PacedSchedule.Segment.VOCABULARY;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PacedScheduleTest {

  @Test
  void of_cutsTheSecondsIntoThreePlusTwoPerSwapSegments_theLeadInCountedAsOne() {
    PacedSchedule s = PacedSchedule.of(100, 39, 2, true);
    assertThat(s.measured()).containsExactly(STEADY, VOCABULARY, QUIET, SWAP, QUIET, SWAP);
    assertThat(s.rehearsals()).containsExactly(VOCABULARY, SWAP);
    assertThat(s.periodNanos()).isEqualTo(10_000_000L);
    assertThat(s.segmentSteps()).isEqualTo(557); // 100 windows/s x 39 s / 7 segments
    assertThat(s.segmentNanos()).isEqualTo(5_570_000_000L);
    assertThat(s.measuredSteps()).isEqualTo(6 * 557);
    assertThat(s.swaps()).isEqualTo(3); // the rehearsal's checkpoint and the two measured
  }

  @Test
  void of_withoutRehearsal_theLeadInHasNoEvent_andTheFirstSwapIsAMeasuredOne() {
    PacedSchedule rehearsed = PacedSchedule.of(100, 39, 2, true);
    PacedSchedule s = PacedSchedule.of(100, 39, 2, false);
    assertThat(s.rehearsals()).isEmpty();
    assertThat(s.measured()).isEqualTo(rehearsed.measured());
    assertThat(s.segmentSteps()).isEqualTo(rehearsed.segmentSteps());
    assertThat(s.swaps()).isEqualTo(2); // no checkpoint for a rehearsal
  }

  @Test
  void report_firstSwapIsReadApartFromTheMedianOfTheSwaps() {
    PacedSchedule s = PacedSchedule.of(100, 9, 3, false); // 9 segments of 100 steps, 1 s
    long ms = 1_000_000L;
    long seg = s.segmentNanos();
    long leadInEnd = 10 * seg;
    long[] starts = new long[s.measured().size()];
    List<Arrival> arrivals = new ArrayList<>();
    for (int m = 0; m < starts.length; m++) {
      starts[m] = leadInEnd + m * seg;
      // 100 windows a segment, 50 ms each; the first swap's segment 200 ms, the others 60 ms
      long latency = m == 3 ? 200 * ms : s.measured().get(m) == SWAP ? 60 * ms : 50 * ms;
      for (int k = 0; k < 100; k++) {
        long sent = starts[m] + k * 10 * ms;
        arrivals.add(new Arrival(sent, sent + latency, 1000, 0));
      }
    }
    PacedRun run = new PacedRun(s, 3, leadInEnd, starts, List.of(), "", arrivals, 0);
    SegmentReport.P99 p99 =
        SegmentReport.print(run, new PrintStream(OutputStream.nullOutputStream()));
    assertThat(p99.steadyMs()).isEqualTo(50);
    assertThat(p99.swapMs()).isEqualTo(60);
    assertThat(p99.firstSwapMs()).isEqualTo(200);
  }

  @Test
  void of_aSegmentIsAtLeastOneStep() {
    assertThat(PacedSchedule.of(0.5, 7, 2, true).segmentSteps()).isEqualTo(1);
  }

  @Test
  void run_findsTheEventsAtTheStartOfTheirSegments() {
    PacedSchedule s = PacedSchedule.of(100, 39, 2, true);
    long[] starts = {100, 200, 300, 400, 500, 600};
    PacedRun run = new PacedRun(s, 3, 90, starts, List.of(), "", List.of(), 250 + 7_000_000);
    assertThat(run.vocabularySentAt()).isEqualTo(200);
    assertThat(run.swapSentAt()).containsExactly(400, 600);
    assertThat(run.vocabularyApplyMs()).isEqualTo(7.00005);
    assertThat(new PacedRun(s, 3, 90, starts, List.of(), "", List.of(), 0).vocabularyApplyMs())
        .isNaN();
  }
}
