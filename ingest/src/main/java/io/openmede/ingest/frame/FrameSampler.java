package io.openmede.ingest.frame;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Thins a stream of frames to a target rate by their capture times: a frame is kept when its
 * capture time reaches the next due time, which then advances by one period. A gap in the source
 * restarts the schedule at the next frame instead of letting several frames through at once.
 * Decisions depend only on capture times, so sampling is the same at real-time pace and as fast as
 * possible. Not thread-safe: one per stream.
 */
public final class FrameSampler {
  /** Slack for timestamps rounded to whole microseconds or milliseconds. */
  private static final long TOLERANCE_NANOS = 1_000_000;

  private final long periodNanos;
  private Instant nextDue;

  /**
   * @param targetFps frames per second to keep; positive
   */
  public FrameSampler(double targetFps) {
    if (!(targetFps > 0) || Double.isInfinite(targetFps)) {
      throw new IllegalArgumentException("target frame rate " + targetFps + " must be positive");
    }
    this.periodNanos = Math.round(1e9 / targetFps);
  }

  /** Whether the frame captured at {@code captureTime} is kept; capture times must not decrease. */
  public boolean keep(Instant captureTime) {
    Objects.requireNonNull(captureTime, "captureTime");
    if (nextDue == null) {
      nextDue = captureTime.plusNanos(periodNanos);
      return true;
    }
    if (captureTime.plusNanos(TOLERANCE_NANOS).isBefore(nextDue)) {
      return false;
    }
    Instant advanced = nextDue.plusNanos(periodNanos);
    nextDue = advanced.isAfter(captureTime) ? advanced : captureTime.plusNanos(periodNanos);
    return true;
  }

  /** The time between kept frames. */
  public Duration period() {
    return Duration.ofNanos(periodNanos);
  }
}
