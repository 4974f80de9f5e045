package io.openmede.ingest.source;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * How a live source reconnects: capped exponential backoff. The n-th consecutive failed attempt (n
 * from 1) waits {@code min(maxDelay, initialDelay * 2^(n-1))} before the next one.
 *
 * @param initialDelay the wait after the first failure
 * @param maxDelay the cap on any wait
 * @param maxAttempts consecutive failed attempts after which the source gives up and {@code next}
 *     throws; empty to retry forever; 0 to never reconnect (an ended stream ends the source)
 */
public record Reconnect(Duration initialDelay, Duration maxDelay, OptionalInt maxAttempts) {
  public Reconnect {
    Objects.requireNonNull(initialDelay, "initialDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    Objects.requireNonNull(maxAttempts, "maxAttempts");
    if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException(
          "reconnect delays must satisfy 0 <= initial ("
              + initialDelay
              + ") <= max ("
              + maxDelay
              + ")");
    }
    if (maxAttempts.isPresent() && maxAttempts.getAsInt() < 0) {
      throw new IllegalArgumentException("max reconnect attempts " + maxAttempts + " is negative");
    }
  }

  /** 0.5 s doubling up to 30 s, forever. */
  public static Reconnect defaults() {
    return new Reconnect(Duration.ofMillis(500), Duration.ofSeconds(30), OptionalInt.empty());
  }

  /** Never reconnect: the first failure is final and an ended stream ends the source. */
  public static Reconnect never() {
    return new Reconnect(Duration.ZERO, Duration.ZERO, OptionalInt.of(0));
  }

  /** The wait after the {@code attempt}-th consecutive failure (1-based). */
  public Duration delayAfter(int attempt) {
    if (attempt < 1) {
      return Duration.ZERO;
    }
    int shift = Math.min(attempt - 1, 30);
    long millis = initialDelay.toMillis() << shift;
    if (millis < 0 || millis > maxDelay.toMillis()) {
      return maxDelay;
    }
    return Duration.ofMillis(millis);
  }

  /** Whether another attempt is allowed after {@code failures} consecutive failures. */
  public boolean allowsAnotherAttempt(int failures) {
    return maxAttempts.isEmpty() || failures <= maxAttempts.getAsInt();
  }
}
