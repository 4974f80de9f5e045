package io.openmede.recognizer.window;

import io.openmede.schemas.avro.FrameEncoding;
import java.util.Objects;

/**
 * One frame waiting in a stream's window state or travelling in a {@link ClipWindow}, still in its
 * wire encoding (decoding happens once, when the clip is scored).
 *
 * @param sequence the stream's frame number
 * @param captureTimeMs capture time, epoch milliseconds
 * @param encoding JPEG or raw interleaved RGB
 * @param width frame width in pixels
 * @param height frame height in pixels
 * @param data the encoded bytes (not copied: treat as immutable)
 */
public record WindowFrame(
    long sequence, long captureTimeMs, FrameEncoding encoding, int width, int height, byte[] data) {

  public WindowFrame {
    Objects.requireNonNull(encoding, "encoding");
    Objects.requireNonNull(data, "data");
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException(
          "frame " + sequence + " has size " + width + "x" + height + "; both must be >= 1");
    }
  }
}
