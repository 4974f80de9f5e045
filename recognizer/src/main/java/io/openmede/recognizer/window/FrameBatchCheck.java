package io.openmede.recognizer.window;

import io.openmede.schemas.avro.Frame;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.avro.FrameEncoding;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

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
        Optional<String> jpeg = jpegProblem(bytes(data), w, h);
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

  private static Optional<String> jpegProblem(byte[] data, int width, int height) {
    if (data.length < 4 || (data[0] & 0xff) != 0xff || (data[1] & 0xff) != 0xd8) {
      return Optional.of("not a JPEG (no start-of-image marker), " + data.length + " bytes");
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
      Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
      ImageReader reader = readers.next();
      try {
        reader.setInput(in);
        int w = reader.getWidth(0);
        int h = reader.getHeight(0);
        if (w != width || h != height) {
          return Optional.of(
              "JPEG is " + w + "x" + h + " but the batch says " + width + "x" + height);
        }
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      return Optional.of("undecodable JPEG: " + e.getMessage());
    }
    return Optional.empty();
  }
}
