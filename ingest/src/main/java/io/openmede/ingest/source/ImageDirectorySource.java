package io.openmede.ingest.source;

import io.openmede.ingest.frame.FrameResizer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * The images of a directory tree (jpg, png, bmp, gif; path order) as frames at a nominal frame
 * rate, decoded with ImageIO. Finite unless {@link SourceOptions#loop()} is set; not live. Files
 * that cannot be decoded are skipped and listed in {@link #failures()}. Capture times are the time
 * {@link #open()} ran plus {@code sequence / frameRate}.
 */
public final class ImageDirectorySource implements FrameSource {
  private final Path dir;
  private final double frameRate;
  private final SourceOptions options;
  private final List<String> failures = new ArrayList<>();

  private List<Path> files;
  private int index;
  private long sequence;
  private Instant openedAt;
  private volatile boolean closed;

  /**
   * @param dir the directory (searched recursively)
   * @param frameRate frames per second the images are spaced at, for capture times
   * @param options size (applied in Java), loop and clock
   */
  public ImageDirectorySource(Path dir, double frameRate, SourceOptions options) {
    this.dir = Objects.requireNonNull(dir, "dir");
    if (!(frameRate > 0)) {
      throw new IllegalArgumentException("image frame rate " + frameRate + " must be positive");
    }
    this.frameRate = frameRate;
    this.options = Objects.requireNonNull(options, "options");
  }

  @Override
  public synchronized void open() throws SourceException {
    if (files != null || closed) {
      return;
    }
    files = MediaFiles.list(dir, MediaFiles.IMAGE_EXTENSIONS, "image");
    openedAt = options.clock().instant();
  }

  @Override
  public synchronized Optional<DecodedFrame> next() throws SourceException {
    if (closed) {
      return Optional.empty();
    }
    open();
    int decodedThisPass = 0;
    while (true) {
      if (index == files.size()) {
        if (!options.loop() || (decodedThisPass == 0 && sequence == 0)) {
          return Optional.empty();
        }
        index = 0;
      }
      Path file = files.get(index++);
      BufferedImage image;
      try {
        image = ImageIO.read(file.toFile());
      } catch (IOException | RuntimeException e) {
        image = null;
      }
      if (image == null) {
        if (sequence == 0 || !options.loop()) {
          failures.add(file + ": not a decodable image");
        }
        continue;
      }
      decodedThisPass++;
      long seq = sequence++;
      DecodedFrame frame =
          new DecodedFrame(
              rgbOf(image),
              image.getWidth(),
              image.getHeight(),
              seq,
              openedAt.plusNanos(Math.round(seq * 1e9 / frameRate)),
              new SourcePosition(file.toString(), 0, 0));
      return Optional.of(options.size().map(s -> FrameResizer.resize(frame, s)).orElse(frame));
    }
  }

  /** Packed RGB bytes of any ImageIO image (alpha dropped, palettes and grey expanded). */
  static byte[] rgbOf(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
    byte[] rgb = new byte[w * h * 3];
    for (int i = 0; i < argb.length; i++) {
      rgb[i * 3] = (byte) (argb[i] >> 16);
      rgb[i * 3 + 1] = (byte) (argb[i] >> 8);
      rgb[i * 3 + 2] = (byte) argb[i];
    }
    return rgb;
  }

  /** Files skipped because they could not be decoded, one line each. */
  public synchronized List<String> failures() {
    return List.copyOf(failures);
  }

  @Override
  public boolean live() {
    return false;
  }

  @Override
  public String description() {
    return dir.toString();
  }

  @Override
  public void close() {
    closed = true;
  }
}
