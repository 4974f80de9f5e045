package io.openmede.ingest.source;

import java.time.Instant;
import java.util.Objects;

/**
 * One decoded video frame as tightly packed, interleaved 8-bit RGB: {@code width * height * 3}
 * bytes, rows top to bottom, no padding between rows.
 *
 * <p>The array is owned by the frame: sources never reuse it, so a frame may be handed to another
 * thread. Do not modify it.
 *
 * @param rgb pixel data, {@code width * height * 3} bytes
 * @param width width in pixels
 * @param height height in pixels
 * @param sequence per-source frame number, 0 for the first frame and increasing by one per frame
 *     the source produced, across files, loop passes and reconnections
 * @param captureTime when the frame was captured (live sources: the wall clock when it was
 *     received) or its presentation time on the ingest clock (files: the time the source was opened
 *     plus the frame's presentation time)
 * @param position where the frame came from inside the source
 */
public record DecodedFrame(
    byte[] rgb,
    int width,
    int height,
    long sequence,
    Instant captureTime,
    SourcePosition position) {
  public DecodedFrame {
    Objects.requireNonNull(rgb, "rgb");
    Objects.requireNonNull(captureTime, "captureTime");
    Objects.requireNonNull(position, "position");
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException("frame size " + width + "x" + height + " is empty");
    }
    if (rgb.length != width * height * 3) {
      throw new IllegalArgumentException(
          "frame of "
              + width
              + "x"
              + height
              + " needs "
              + (width * height * 3)
              + " RGB bytes, got "
              + rgb.length);
    }
    if (sequence < 0) {
      throw new IllegalArgumentException("sequence " + sequence + " is negative");
    }
  }

  /** The RGB value of pixel (x, y) packed as {@code 0xRRGGBB}. */
  public int rgbAt(int x, int y) {
    int i = (y * width + x) * 3;
    return (rgb[i] & 0xff) << 16 | (rgb[i + 1] & 0xff) << 8 | (rgb[i + 2] & 0xff);
  }
}
