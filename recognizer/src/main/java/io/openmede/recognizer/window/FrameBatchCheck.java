package io.openmede.recognizer.window;

import io.openmede.schemas.avro.Frame;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.avro.FrameEncoding;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks a frame batch before its frames enter a window: non-empty, a positive frame size, raw RGB
 * frames of exactly {@code width * height * 3} bytes, JPEG frames whose header parses and states
 * the batch's size. A refused batch goes to dead letters with the returned reason.
 *
 * <p>Only the JPEG header is read here; the full decode happens once, when the clip is scored
 * (where a corrupt body refuses that window).
 */
public final class FrameBatchCheck {

  private FrameBatchCheck() {}

  /** Why the batch cannot be used, or empty when it is fine. */
  public static Optional<String> problem(FrameBatch batch) {
    if (batch.getFrames() == null || batch.getFrames().isEmpty()) {
      return Optional.of("empty frame batch " + batch.getBatchSequence() + ": no frames");
    }
    int w = batch.getWidth();
    int h = batch.getHeight();
    if (w < 1 || h < 1) {
      return Optional.of("frame size " + w + "x" + h + " is not positive");
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
            jpegProblem(data == null ? ByteBuffer.allocate(0) : data.duplicate(), w, h);
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

  /** {@link #jpegProblem(ByteBuffer, int, int)} of an array. */
  static Optional<String> jpegProblem(byte[] data, int width, int height) {
    return jpegProblem(ByteBuffer.wrap(data), width, height);
  }

  /**
   * Reads the JPEG's markers up to its frame header (SOF) and compares the size stated there with
   * the batch's; no decoding, no image reader (which would also create a temporary cache file).
   */
  static Optional<String> jpegProblem(ByteBuffer buffer, int width, int height) {
    ByteBuffer data = buffer.slice(); // absolute reads from 0, no copy
    int size = data.remaining();
    if (size < 4 || (data.get(0) & 0xff) != 0xff || (data.get(1) & 0xff) != 0xd8) {
      return Optional.of("not a JPEG (no start-of-image marker), " + size + " bytes");
    }
    int i = 2;
    while (true) {
      if (i >= size || (data.get(i) & 0xff) != 0xff) {
        return Optional.of(
            "undecodable JPEG: no marker at byte " + i + " of " + size + " (no frame header)");
      }
      while (i < size && (data.get(i) & 0xff) == 0xff) {
        i++; // fill bytes
      }
      if (i >= size) {
        return Optional.of("undecodable JPEG: truncated before its frame header");
      }
      int marker = data.get(i++) & 0xff;
      if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
        continue; // markers without a segment
      }
      if (marker == 0xd9 || marker == 0xda) {
        return Optional.of("undecodable JPEG: no frame header before the image data");
      }
      if (i + 2 > size) {
        return Optional.of("undecodable JPEG: truncated before its frame header");
      }
      int length = u16(data, i);
      if (length < 2 || i + length > size) {
        return Optional.of(
            "undecodable JPEG: a segment of "
                + length
                + " bytes at byte "
                + i
                + " runs past the end ("
                + size
                + " bytes)");
      }
      boolean frameHeader =
          marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
      if (frameHeader) {
        if (length < 7) {
          return Optional.of("undecodable JPEG: frame header of " + length + " bytes");
        }
        int h = u16(data, i + 3);
        int w = u16(data, i + 5);
        if (w != width || h != height) {
          return Optional.of(
              "JPEG is " + w + "x" + h + " but the batch says " + width + "x" + height);
        }
        return Optional.empty();
      }
      i += length;
    }
  }

  private static int u16(ByteBuffer b, int at) {
    return ((b.get(at) & 0xff) << 8) | (b.get(at + 1) & 0xff);
  }
}
