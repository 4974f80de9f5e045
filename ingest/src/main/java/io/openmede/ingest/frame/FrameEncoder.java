package io.openmede.ingest.frame;

import io.openmede.ingest.source.DecodedFrame;
import io.openmede.schemas.avro.FrameEncoding;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns decoded frames into {@link EncodedFrame}s: resizes in Java when a frame does not already
 * have the target size (video sources usually resize in FFmpeg), then encodes as JPEG or keeps
 * packed RGB. Not thread-safe (holds a JPEG writer); {@link #close()} it.
 */
public final class FrameEncoder implements AutoCloseable {
  private final Optional<FrameSize> size;
  private final FrameEncoding encoding;
  private final JpegEncoder jpeg;

  /**
   * @param size the target size, or empty to keep frames as decoded
   * @param encoding JPEG or RGB
   * @param jpegQuality 1..100, used for JPEG
   */
  public FrameEncoder(Optional<FrameSize> size, FrameEncoding encoding, int jpegQuality) {
    this.size = Objects.requireNonNull(size, "size");
    this.encoding = Objects.requireNonNull(encoding, "encoding");
    this.jpeg = new JpegEncoder(jpegQuality);
  }

  public EncodedFrame encode(DecodedFrame decoded) {
    DecodedFrame frame = size.map(s -> FrameResizer.resize(decoded, s)).orElse(decoded);
    byte[] data =
        encoding == FrameEncoding.JPEG
            ? jpeg.encode(frame.rgb(), frame.width(), frame.height())
            : frame.rgb();
    return new EncodedFrame(
        frame.sequence(), frame.captureTime(), frame.width(), frame.height(), encoding, data);
  }

  @Override
  public void close() {
    jpeg.close();
  }
}
