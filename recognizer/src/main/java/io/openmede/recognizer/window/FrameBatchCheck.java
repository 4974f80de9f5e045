package io.openmede.recognizer.window;

import io.openmede.schemas.avro.Frame;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.avro.FrameEncoding;
import io.openmede.schemas.values.FrameLimits;
import io.openmede.schemas.values.JpegHeader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks a frame batch before its frames enter a window: non-empty, a frame size within the
 * deployment's {@link FrameLimits} (checked on the stated size, before anything is allocated for
 * the pixels), frames in sequence order, raw RGB frames of exactly {@code width * height * 3}
 * bytes, JPEG frames whose header parses, states the batch's size and (if progressive) has a
 * bounded number of scans. A refused batch goes to dead letters with the returned reason.
 *
 * <p>Only the JPEG header is read here ({@link JpegHeader}); the full decode happens once, when the
 * clip is scored (where a corrupt body refuses that window).
 */
public final class FrameBatchCheck {

  private FrameBatchCheck() {}

  /** Why the batch cannot be used under {@code limits}, or empty when it is fine. */
  public static Optional<String> problem(FrameBatch batch, FrameLimits limits) {
    if (batch.getFrames() == null || batch.getFrames().isEmpty()) {
      return Optional.of("empty frame batch " + batch.getBatchSequence() + ": no frames");
    }
    int w = batch.getWidth();
    int h = batch.getHeight();
    Optional<String> size = limits.sizeRefusal(w, h);
    if (size.isPresent()) {
      return size;
    }
    long previous = Long.MIN_VALUE;
    for (Frame f : batch.getFrames()) {
      if (f.getSequence() <= previous) {
        return Optional.of(
            "frames out of order in batch "
                + batch.getBatchSequence()
                + ": sequence "
                + f.getSequence()
                + " after "
                + previous);
      }
      previous = f.getSequence();
      ByteBuffer data = f.getData();
      int n = data == null ? 0 : data.remaining();
      if (batch.getEncoding() == FrameEncoding.RGB) {
        long expected = 3L * w * h;
        if (n != expected) {
          return Optional.of(
              "frame "
                  + f.getSequence()
                  + " has "
                  + n
                  + " RGB bytes; a "
                  + w
                  + "x"
                  + h
                  + " frame needs "
                  + expected);
        }
      } else {
        Optional<String> jpeg =
            jpegProblem(data == null ? ByteBuffer.allocate(0) : data.duplicate(), w, h, limits);
        if (jpeg.isPresent()) {
          return Optional.of("frame " + f.getSequence() + ": " + jpeg.get());
        }
      }
    }
    return Optional.empty();
  }

  /** The batch's frames in window form (call after {@link #problem} said it is fine). */
  public static List<WindowFrame> frames(FrameBatch batch) {
    List<WindowFrame> out = new ArrayList<>(batch.getFrames().size());
    for (Frame f : batch.getFrames()) {
      out.add(
          new WindowFrame(
              f.getSequence(),
              f.getCaptureTime().toEpochMilli(),
              batch.getEncoding(),
              batch.getWidth(),
              batch.getHeight(),
              bytes(f.getData())));
    }
    return out;
  }

  static byte[] bytes(ByteBuffer b) {
    if (b == null) {
      return new byte[0];
    }
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }

  /** {@link #jpegProblem(ByteBuffer, int, int, FrameLimits)} of an array, default limits. */
  static Optional<String> jpegProblem(byte[] data, int width, int height) {
    return jpegProblem(ByteBuffer.wrap(data), width, height, FrameLimits.DEFAULT);
  }

  /**
   * Reads the JPEG's markers up to its frame header (SOF; through its scans when progressive) and
   * compares the size stated there with the batch's; no decoding, no image reader.
   */
  static Optional<String> jpegProblem(
      ByteBuffer buffer, int width, int height, FrameLimits limits) {
    JpegHeader.Read read = JpegHeader.read(buffer);
    if (read.refusal().isPresent()) {
      return read.refusal();
    }
    return read.header().orElseThrow().refusal(limits, width, height);
  }
}
