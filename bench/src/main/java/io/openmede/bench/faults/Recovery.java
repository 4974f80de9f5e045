package io.openmede.bench.faults;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Whether recognition goes on: every stream recognized again, from windows sent after a moment,
 * within a bound, every recognizer still running.
 */
final class Recovery {

  private final Ledger ledger;
  private final RecognizerInstances recognizers;
  private final Duration bound;
  private final Progress progress;

  /** {@code bound}: how long after a fault every stream must be recognized again. */
  Recovery(Ledger ledger, RecognizerInstances recognizers, Duration bound, Progress progress) {
    this.ledger = ledger;
    this.recognizers = recognizers;
    this.bound = bound;
    this.progress = progress;
  }

  /**
   * Waits until every stream has a recognition of a window sent after {@code t0}; empty when it did
   * within the bound, every recognizer alive, else what went wrong. {@code since} says what {@code
   * t0} was, for the progress line.
   */
  Optional<String> recovered(long t0, String since) throws InterruptedException {
    OptionalLong ms = awaitEveryStream(t0, bound);
    boolean alive = recognizers.allAlive();
    if (ms.isPresent() && alive) {
      progress.line(
          "recognitions continue: every stream recognized again %.1f s %s (bound %d s)",
          ms.getAsLong() / 1000.0, since, bound.toSeconds());
      return Optional.empty();
    }
    String why =
        ms.isEmpty()
            ? "not every stream recognized within " + bound.toSeconds() + " s " + since
            : "a recognizer process died";
    progress.line("recognitions do NOT continue: %s", why);
    return Optional.of(why);
  }

  /**
   * Milliseconds until every stream had a recognition of a window sent at or after {@code t0};
   * empty when {@code within} passed first.
   */
  OptionalLong awaitEveryStream(long t0, Duration within) throws InterruptedException {
    long end = t0 + within.toNanos();
    while (true) {
      Optional<Long> last = ledger.everyStreamRecognizedSince(t0);
      if (last.isPresent()) {
        return OptionalLong.of(TimeUnit.NANOSECONDS.toMillis(last.get() - t0));
      }
      if (System.nanoTime() > end) {
        return OptionalLong.empty();
      }
      Thread.sleep(100);
    }
  }
}
