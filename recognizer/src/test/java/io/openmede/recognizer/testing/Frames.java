package io.openmede.recognizer.testing;

import io.openmede.recognizer.window.WindowFrame;
import io.openmede.schemas.avro.Frame;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.avro.FrameEncoding;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/** Test frames: small RGB or JPEG frames whose content depends on the sequence number. */
public final class Frames {

  public static final int SIZE = 32;

  private Frames() {}

  /** Interleaved RGB of a {@code SIZE x SIZE} frame, a gradient shifted by {@code seq}. */
  public static byte[] rgb(long seq) {
    byte[] out = new byte[3 * SIZE * SIZE];
    for (int y = 0; y < SIZE; y++) {
      for (int x = 0; x < SIZE; x++) {
        int i = 3 * (y * SIZE + x);
        out[i] = (byte) (x * 8 + seq * 13);
        out[i + 1] = (byte) (y * 8 + seq * 7);
        out[i + 2] = (byte) ((x + y) * 4 + seq * 29);
      }
    }
    return out;
  }

  /** The same frame as a JPEG. */
  public static byte[] jpeg(long seq) {
    byte[] rgb = rgb(seq);
    BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
    for (int i = 0; i < SIZE * SIZE; i++) {
      int p =
          ((rgb[3 * i] & 0xff) << 16) | ((rgb[3 * i + 1] & 0xff) << 8) | (rgb[3 * i + 2] & 0xff);
      img.setRGB(i % SIZE, i / SIZE, p);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "jpeg", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Capture time of frame {@code seq}: 40 ms apart (25 fps) from t = 1_000_000 ms. */
  public static long captureTime(long seq) {
    return 1_000_000L + 40L * seq;
  }

  /** Window frames {@code from..to} inclusive (RGB). */
  public static List<WindowFrame> windowFrames(long from, long to) {
    List<WindowFrame> out = new ArrayList<>();
    for (long s = from; s <= to; s++) {
      out.add(new WindowFrame(s, captureTime(s), FrameEncoding.RGB, SIZE, SIZE, rgb(s)));
    }
    return out;
  }

  /** A batch of frames {@code from..to} inclusive. */
  public static FrameBatch batch(
      String stream, long batchSequence, long from, long to, FrameEncoding encoding) {
    List<Frame> frames = new ArrayList<>();
    for (long s = from; s <= to; s++) {
      byte[] data = encoding == FrameEncoding.RGB ? rgb(s) : jpeg(s);
      frames.add(new Frame(s, Instant.ofEpochMilli(captureTime(s)), ByteBuffer.wrap(data)));
    }
    return FrameBatch.newBuilder()
        .setStreamId(stream)
        .setBatchSequence(batchSequence)
        .setWidth(SIZE)
        .setHeight(SIZE)
        .setEncoding(encoding)
        .setFrames(frames)
        .setSource("test")
        .build();
  }
}
