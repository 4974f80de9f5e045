package io.openmede.ingest.source;

import java.util.Objects;

/**
 * Where a frame came from inside its source.
 *
 * @param origin the file path, URL, device or image file the frame was read from
 * @param frameIndex the 0-based index of the frame within {@code origin} (restarts at 0 for each
 *     file, loop pass or reconnection)
 * @param mediaTimeMicros the presentation time of the frame within {@code origin}, in microseconds
 */
public record SourcePosition(String origin, long frameIndex, long mediaTimeMicros) {
  public SourcePosition {
    Objects.requireNonNull(origin, "origin");
    if (frameIndex < 0) {
      throw new IllegalArgumentException("frame index " + frameIndex + " is negative");
    }
  }
}
