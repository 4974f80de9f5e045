package io.openmede.bench.recognizer;

import io.openmede.schemas.avro.Frame;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.avro.FrameEncoding;
import io.openmede.world.CameraFrame;
import io.openmede.world.CameraSettings;
import io.openmede.world.SyntheticCamera;
import io.openmede.world.SyntheticWorld;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * The benchmarks' synthetic cameras: frame batches of the synthetic world rendered and JPEG-encoded
 * once, then sent again and again renumbered ({@link #renumbered}), so that the load generator does
 * not compete with the recognizer for the CPU while it runs.
 */
public final class SyntheticFrameBatches {

  private SyntheticFrameBatches() {}

  /**
   * Per stream, {@code count} batches of {@code frames} JPEG frames from a synthetic-world camera;
   * stream {@code s} is {@code streamPrefix + s}, batch {@code b} holds frames {@code b·frames ..
   * b·frames + frames - 1}.
   */
  public static List<List<FrameBatch>> generate(
      String streamPrefix, int streams, int count, int frames) {
    SyntheticWorld world = SyntheticWorld.withDefaults();
    List<List<FrameBatch>> out = new ArrayList<>();
    for (int s = 0; s < streams; s++) {
      String id = streamPrefix + s;
      SyntheticCamera cam = new SyntheticCamera(world, CameraSettings.of(id, s));
      List<FrameBatch> batches = new ArrayList<>();
      for (int b = 0; b < count; b++) {
        List<Frame> fs = new ArrayList<>();
        int w = 0;
        int h = 0;
        for (int f = 0; f < frames; f++) {
          CameraFrame cf = cam.next();
          w = cf.width();
          h = cf.height();
          fs.add(
              new Frame(
                  (long) b * frames + f,
                  Instant.ofEpochMilli(cf.timestampMicros() / 1000),
                  ByteBuffer.wrap(jpeg(cf))));
        }
        batches.add(
            FrameBatch.newBuilder()
                .setStreamId(id)
                .setBatchSequence(b)
                .setWidth(w)
                .setHeight(h)
                .setEncoding(FrameEncoding.JPEG)
                .setFrames(fs)
                .setSource("synthetic")
                .build());
      }
      out.add(batches);
    }
    return out;
  }

  /**
   * A copy of {@code template}'s frames as batch {@code seq}: frames {@code seq·n .. seq·n + n - 1}
   * ({@code n} frames in the template) captured now.
   */
  public static FrameBatch renumbered(FrameBatch template, long seq) {
    int n = template.getFrames().size();
    List<Frame> frames = new ArrayList<>();
    for (int f = 0; f < n; f++) {
      Frame t = template.getFrames().get(f);
      frames.add(new Frame(seq * n + f, Instant.now(), t.getData()));
    }
    return FrameBatch.newBuilder(template).setBatchSequence(seq).setFrames(frames).build();
  }

  private static byte[] jpeg(CameraFrame f) {
    BufferedImage img = new BufferedImage(f.width(), f.height(), BufferedImage.TYPE_INT_RGB);
    byte[] rgb = f.rgb();
    for (int i = 0; i < f.width() * f.height(); i++) {
      img.setRGB(
          i % f.width(),
          i / f.width(),
          ((rgb[3 * i] & 0xff) << 16) | ((rgb[3 * i + 1] & 0xff) << 8) | (rgb[3 * i + 2] & 0xff));
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "jpeg", bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
