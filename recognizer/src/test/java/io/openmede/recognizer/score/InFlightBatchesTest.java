package io.openmede.recognizer.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class InFlightBatchesTest {

  @Test
  void results_leaveInTheOrderTheBatchesWereTaken_evenWhenALaterOneIsDoneFirst() {
    InFlightBatches<String> q = new InFlightBatches<>(4);
    CompletableFuture<String> first = new CompletableFuture<>();
    q.add(first, List.of("a", "b"));
    q.add(CompletableFuture.completedFuture("second"), List.of("c"));
    assertThat(q.pollDone()).as("the oldest still runs").isEmpty();
    assertThat(q.holds("a")).isTrue();
    assertThat(q.holds("c")).isTrue();
    first.complete("first");
    assertThat(q.pollDone()).contains("first");
    assertThat(q.holds("a")).isFalse();
    assertThat(q.holds("c")).isTrue();
    assertThat(q.awaitOldest()).isEqualTo("second");
    assertThat(q.isEmpty()).isTrue();
    assertThat(q.holds("c")).isFalse();
  }

  @Test
  void full_atDepth() {
    InFlightBatches<String> q = new InFlightBatches<>(2);
    q.add(new CompletableFuture<>(), List.of("a"));
    assertThat(q.full()).isFalse();
    q.add(new CompletableFuture<>(), List.of("b"));
    assertThat(q.full()).isTrue();
    assertThat(q.size()).isEqualTo(2);
  }

  @Test
  void aFailedBatch_rethrowsItsCause_andEmptiesTheQueue() {
    InFlightBatches<String> q = new InFlightBatches<>(4);
    q.add(CompletableFuture.failedFuture(new IllegalStateException("model gone")), List.of("a"));
    q.add(CompletableFuture.completedFuture("later"), List.of("b"));
    assertThatThrownBy(q::awaitOldest)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("model gone");
    assertThat(q.isEmpty()).isTrue();
    assertThat(q.holds("b")).isFalse();
  }

  @Test
  void aCheckedFailure_isWrapped() {
    InFlightBatches<String> q = new InFlightBatches<>(1);
    q.add(CompletableFuture.failedFuture(new java.io.IOException("disk")), List.of("a"));
    assertThatThrownBy(q::awaitOldest)
        .isInstanceOf(IllegalStateException.class)
        .hasRootCauseMessage("disk");
  }

  @Test
  void awaitingNothing_isAnError_andDepthZeroIsRefused() {
    assertThatThrownBy(() -> new InFlightBatches<String>(4).awaitOldest())
        .isInstanceOf(NoSuchElementException.class);
    assertThatThrownBy(() -> new InFlightBatches<String>(0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
