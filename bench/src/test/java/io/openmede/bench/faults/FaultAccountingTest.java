package io.openmede.bench.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openmede.bench.faults.FaultAccounting.Outcome;
import io.openmede.bench.faults.FaultAccounting.WindowKey;
import io.openmede.recognizer.window.WindowConfig;
import io.openmede.recognizer.window.WindowSpacing;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class FaultAccountingTest {

  private static List<Long> range(long from, long toInclusive) {
    return LongStream.rangeClosed(from, toInclusive).boxed().toList();
  }

  @Test
  void byStream_accountsEachStreamOnItsOwn() {
    List<WindowKey> expected = List.of(w("a", 0), w("a", 8), w("b", 0), w("b", 8), w("b", 16));
    List<WindowKey> recognized = List.of(w("a", 0), w("a", 0), w("a", 8), w("b", 0), w("c", 0));
    Map<String, FaultAccounting.StreamFigures> f =
        FaultAccounting.byStream(expected, recognized, Set.of(w("b", 16)));
    // a: both recognized, one twice; b: one lost, one dead-lettered; c: unexpected
    assertThat(f.get("a")).isEqualTo(new FaultAccounting.StreamFigures(2, 2, 0, 1, 0));
    assertThat(f.get("b")).isEqualTo(new FaultAccounting.StreamFigures(3, 1, 1, 0, 1));
    assertThat(f.get("c")).isEqualTo(new FaultAccounting.StreamFigures(0, 1, 0, 0, 0));
    assertThat(f.keySet()).containsExactly("a", "b", "c");
  }

  private static WindowKey w(String stream, long first) {
    return new WindowKey(stream, first);
  }

  @Test
  void expectedWindows_hopEqualsLength_oneWindowPerCompleteBlockOnly() {
    // frames 0..21 with T = hop = 8: windows at 0 and 8; frames 16..21 are not a whole window
    assertThat(FaultAccounting.expectedWindows("cam", range(0, 21), WindowConfig.ofFrames(8, 8)))
        .containsExactly(w("cam", 0), w("cam", 8));
  }

  @Test
  void expectedWindows_overlappingHop_startsEveryHopFrames() {
    assertThat(FaultAccounting.expectedWindows("cam", range(0, 11), WindowConfig.ofFrames(8, 2)))
        .containsExactly(w("cam", 0), w("cam", 2), w("cam", 4));
  }

  @Test
  void expectedWindows_holeInSequence_restartsAtTheFirstFrameAfterIt() {
    List<Long> frames = new ArrayList<>(range(0, 9)); // window 0..7; 8, 9 too few
    frames.addAll(range(13, 28)); // windows at 13 and 21
    assertThat(FaultAccounting.expectedWindows("cam", frames, WindowConfig.ofFrames(8, 8)))
        .containsExactly(w("cam", 0), w("cam", 13), w("cam", 21));
  }

  @Test
  void expectedWindows_stride_needsTheWholeSpan() {
    // T = 4 every 2nd frame spans 7 frames: 0..6 and 4..10 fit in 0..10
    assertThat(
            FaultAccounting.expectedWindows(
                "cam", range(0, 10), WindowConfig.ofFrames(4, 4).withStride(2)))
        .containsExactly(w("cam", 0), w("cam", 4));
  }

  @Test
  void expectedWindows_timeSpacing_isRefusedWithTheSetting() {
    assertThatThrownBy(
            () ->
                FaultAccounting.expectedWindows(
                    "cam", range(0, 10), new WindowConfig(4, WindowSpacing.TIME, 100, 40, 8)))
        .hasMessageContaining("recognizer.window.spacing must be FRAMES");
  }

  @Test
  void account_countsLostDoubledAndDeadLetteredApart() {
    List<WindowKey> expected =
        List.of(w("a", 0), w("a", 8), w("a", 16), w("b", 0), w("b", 8), w("b", 16));
    List<WindowKey> recognized =
        List.of(
            w("a", 0), w("a", 8), w("a", 8), // a@8 twice
            w("b", 0), w("b", 0), w("b", 0), // b@0 three times: one doubled window
            w("c", 0)); // not expected
    Outcome o = FaultAccounting.account(expected, recognized, Set.of(w("b", 8), w("a", 0)));
    assertThat(o.expected()).isEqualTo(6);
    assertThat(o.recognized()).isEqualTo(4);
    assertThat(o.lost()).containsExactly(w("a", 16), w("b", 16));
    assertThat(o.doubled()).containsExactly(w("a", 8), w("b", 0));
    assertThat(o.deadLettered()).as("a@0 was recognized: it does not count").isEqualTo(1);
    assertThat(o.unexpected()).isEqualTo(1);
  }

  @Test
  void account_everyWindowOnce_nothingLostNothingDoubled() {
    List<WindowKey> expected =
        FaultAccounting.expectedWindows("a", range(0, 63), WindowConfig.ofFrames(8, 8));
    List<WindowKey> recognized = new ArrayList<>(expected);
    java.util.Collections.reverse(recognized);
    Outcome o = FaultAccounting.account(expected, recognized, Set.of());
    assertThat(o.expected()).isEqualTo(8);
    assertThat(o.recognized()).isEqualTo(8);
    assertThat(o.lost()).isEmpty();
    assertThat(o.doubled()).isEmpty();
    assertThat(o.unexpected()).isZero();
  }
}
