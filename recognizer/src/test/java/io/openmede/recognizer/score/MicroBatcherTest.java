package io.openmede.recognizer.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class MicroBatcherTest {

  private static final long MS = 1_000_000;

  @Test
  void aFullBatch_isTakenInKeyOrder_andHoldsAtMostMaxBatch() {
    MicroBatcher<String> b = new MicroBatcher<>(3, Duration.ofMillis(20));
    b.offer("c", "C", 0, 0);
    b.offer("a", "A", 1, 0);
    assertThat(b.fullBatchWaiting()).isFalse();
    b.offer("d", "D", 2, 0);
    b.offer("b", "B", 3, 0);
    assertThat(b.fullBatchWaiting()).isTrue();
    assertThat(b.take()).containsExactly("A", "B", "C");
    assertThat(b.waiting()).isEqualTo(1);
    assertThat(b.fullBatchWaiting()).isFalse();
    assertThat(b.take()).containsExactly("D");
    assertThat(b.take()).isEmpty();
  }

  @Test
  void aKeyOfferedTwice_waitsOnce_withTheLaterWindow() {
    MicroBatcher<String> b = new MicroBatcher<>(2, Duration.ofMillis(20));
    assertThat(b.offer("a", "A1", 0, 0)).isTrue();
    assertThat(b.offer("a", "A2", 1, 0)).isFalse();
    assertThat(b.waiting()).isEqualTo(1);
    assertThat(b.take()).containsExactly("A2");
  }

  @Test
  void withZeroDelay_oneWindowIsDueAtOnce_butOnlyWhenTheScorerIsIdle() {
    MicroBatcher<String> b = new MicroBatcher<>(8, Duration.ZERO);
    b.offer("a", "A", 100, 0);
    assertThat(b.fullBatchWaiting()).as("one window is not a full batch").isFalse();
    assertThat(b.dueByTime(100, 0, 0, true)).isTrue();
    assertThat(b.dueByTime(100, 0, 0, false))
        .as("the scorer runs another task's batch: the window gathers company meanwhile")
        .isFalse();
    assertThat(b.dueByTime(100 + MicroBatcher.BUSY_SCORER_PATIENCE.toMillis(), 0, 0, false))
        .isTrue();
    assertThat(b.dueByTime(100, 0, 1, true)).as("this task has a batch in flight").isFalse();
  }

  @Test
  void whileTheScorerIsBusy_aPartialBatchWaitsTheDelayAndThePatience_thenIsTakenAnyway() {
    MicroBatcher<String> b = new MicroBatcher<>(8, Duration.ofMillis(20));
    long patience = MicroBatcher.BUSY_SCORER_PATIENCE.toMillis();
    assertThat(patience).isPositive();
    b.offer("a", "A", 1_000, 0);
    assertThat(b.dueByTime(1_020, 0, 0, true)).as("idle scorer: the delay").isTrue();
    assertThat(b.dueByTime(1_020, 0, 0, false)).as("busy scorer: more patience").isFalse();
    assertThat(b.dueByTime(1_020 + patience - 1, 0, 0, false)).isFalse();
    assertThat(b.dueByTime(1_020 + patience, 0, 0, false))
        .as("a quiet task is not starved by a scorer busy with other tasks")
        .isTrue();
    assertThat(b.dueByTime(1_020 + patience, 0, 1, false))
        .as("but never while its own batch is in flight")
        .isFalse();
  }

  @Test
  void restoredWindows_areDueEvenWhileTheScorerIsBusy() {
    MicroBatcher<String> b = new MicroBatcher<>(8, Duration.ofHours(1));
    b.restore("a", "A");
    assertThat(b.dueByTime(0, 0, 0, false)).isTrue();
  }

  @Test
  void aPartialBatch_isDueOnceTheOldestWaitedTheDelay_notCountingBusyTime() {
    MicroBatcher<String> b = new MicroBatcher<>(8, Duration.ofMillis(20));
    assertThat(b.dueByTime(1_000, 0, 0, true)).as("nothing waits").isFalse();
    b.offer("a", "A", 100, 5 * MS);
    b.offer("b", "B", 115, 5 * MS);
    assertThat(b.dueByTime(119, 5 * MS, 0, true)).isFalse();
    assertThat(b.dueByTime(120, 5 * MS, 0, true)).as("the oldest waited 20 ms").isTrue();
    // 15 ms of those 20 the scorer was busy: only 5 ms count
    assertThat(b.dueByTime(120, 20 * MS, 0, true)).isFalse();
    assertThat(b.dueByTime(135, 20 * MS, 0, true)).isTrue();
  }

  @Test
  void aPartialBatch_isNotDueWhileABatchIsInFlight() {
    MicroBatcher<String> b = new MicroBatcher<>(8, Duration.ofMillis(20));
    b.offer("a", "A", 0, 0);
    assertThat(b.dueByTime(1_000, 0, 1, true)).isFalse();
    assertThat(b.dueByTime(1_000, 0, 0, true)).isTrue();
  }

  @Test
  void theDelay_startsAgainWhenTheBufferEmpties_butNotWhenItKeepsWindows() {
    MicroBatcher<String> b = new MicroBatcher<>(2, Duration.ofMillis(20));
    b.offer("a", "A", 0, 0);
    b.offer("b", "B", 1, 0);
    b.offer("c", "C", 2, 0);
    b.take(); // A, B: C still waits, since time 0
    assertThat(b.dueByTime(20, 0, 0, true)).isTrue();
    b.take(); // empty now
    b.offer("d", "D", 50, 0);
    assertThat(b.dueByTime(69, 0, 0, true)).isFalse();
    assertThat(b.dueByTime(70, 0, 0, true)).isTrue();
  }

  @Test
  void restoredWindows_areDueAtOnce_andTheNextWindowsWaitTheirDelay() {
    MicroBatcher<String> b = new MicroBatcher<>(8, Duration.ofHours(1));
    b.restore("a", "A");
    assertThat(b.dueByTime(0, 0, 0, true)).isTrue();
    assertThat(b.dueByTime(0, 0, 1, true)).as("not while a batch is in flight").isFalse();
    assertThat(b.take()).containsExactly("A");
    b.offer("b", "B", 10, 0);
    assertThat(b.dueByTime(11, 0, 0, true)).isFalse();
  }

  @Test
  void clear_forgetsEverything() {
    MicroBatcher<String> b = new MicroBatcher<>(1, Duration.ofMillis(20));
    b.restore("a", "A");
    b.clear();
    assertThat(b.waiting()).isZero();
    assertThat(b.fullBatchWaiting()).isFalse();
    assertThat(b.dueByTime(Long.MAX_VALUE / 2, 0, 0, true)).isFalse();
  }

  @Test
  void nonsenseSizes_areRefused() {
    assertThatThrownBy(() -> new MicroBatcher<String>(0, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new MicroBatcher<String>(1, Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
