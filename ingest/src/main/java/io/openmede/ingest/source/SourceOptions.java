package io.openmede.ingest.source;

import io.openmede.ingest.frame.FrameSize;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * Options shared by the decoding sources.
 *
 * @param size the output size (scaled by FFmpeg while decoding), or empty for the source size
 * @param loop whether file sources start again at the end (sequences and capture times continue)
 * @param clock the ingest clock capture times are based on
 */
public record SourceOptions(Optional<FrameSize> size, boolean loop, Clock clock) {
  public SourceOptions {
    Objects.requireNonNull(size, "size");
    Objects.requireNonNull(clock, "clock");
  }

  /** Source size, no loop, the system UTC clock. */
  public static SourceOptions defaults() {
    return new SourceOptions(Optional.empty(), false, Clock.systemUTC());
  }

  public SourceOptions withSize(FrameSize newSize) {
    return new SourceOptions(Optional.of(newSize), loop, clock);
  }

  public SourceOptions withSize(Optional<FrameSize> newSize) {
    return new SourceOptions(newSize, loop, clock);
  }

  public SourceOptions withLoop(boolean newLoop) {
    return new SourceOptions(size, newLoop, clock);
  }

  public SourceOptions withClock(Clock newClock) {
    return new SourceOptions(size, loop, newClock);
  }
}
