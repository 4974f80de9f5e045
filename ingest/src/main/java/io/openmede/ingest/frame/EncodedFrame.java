package io.openmede.ingest.frame;

import io.openmede.schemas.avro.FrameEncoding;
import java.time.Instant;
import java.util.Objects;

/**
 * A frame ready for a {@code FrameBatch}: its sequence and capture time and its encoded bytes.
 *
 * @param sequence the source's frame sequence number
 * @param captureTime the capture time (millisecond precision on the wire)
 * @param width width in pixels
 * @param height height in pixels
 * @param encoding JPEG, or packed RGB of {@code width * height * 3} bytes
 * @param data the encoded bytes; owned by this record, do not modify
 */
public record EncodedFrame(
    long sequence,
    Instant captureTime,
    int width,
    int height,
    FrameEncoding encoding,
    byte[] data) {
  public EncodedFrame {
    Objects.requireNonNull(captureTime, "captureTime");
    Objects.requireNonNull(encoding, "encoding");
    Objects.requireNonNull(data, "data");
    if (encoding == FrameEncoding.RGB && data.length != width * height * 3) {
      throw new IllegalArgumentException(
          "RGB frame of " + width + "x" + height + " needs " + width * height * 3 + " bytes");
    }
  }
}
