package io.openmede.ingest.source;

import io.openmede.ingest.frame.FrameSize;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * One opened FFmpeg input (file, URL or device) that yields tightly packed RGB frames, scaled by
 * FFmpeg when a size is asked for. Not thread-safe; {@link #close()} is idempotent.
 */
final class FfmpegInput implements AutoCloseable {

  /** A frame copied out of FFmpeg's buffers. */
  record Raw(byte[] rgb, int width, int height, long timestampMicros) {}

  static {
    // Decoders log every damaged packet; the sources report failures themselves.
    avutil.av_log_set_level(avutil.AV_LOG_FATAL);
  }

  private final String input;
  private FFmpegFrameGrabber grabber;
  private long lastTimestamp = Long.MIN_VALUE;

  private FfmpegInput(String input, FFmpegFrameGrabber grabber) {
    this.input = input;
    this.grabber = grabber;
  }

  /**
   * Opens {@code input} with FFmpeg.
   *
   * @param format the demuxer (for example {@code video4linux2}), or empty to probe
   * @param options demuxer and protocol options ({@code rtsp_flags}, {@code rw_timeout}, ...)
   * @param size the output size, or empty for the source size; a short side opens the input twice
   *     (once to learn its size), so live inputs should pass only fixed sizes
   */
  static FfmpegInput open(
      String input, Optional<String> format, Map<String, String> options, Optional<FrameSize> size)
      throws SourceException {
    if (size.isPresent() && size.get() instanceof FrameSize.ShortSide shortSide) {
      // The scaler must be configured before start(), but the short side needs the source
      // size: probe it with a first open (cheap for files; live sources resize in Java).
      int w;
      int h;
      try (FfmpegInput probe = open(input, format, options, Optional.empty())) {
        w = probe.grabber.getImageWidth();
        h = probe.grabber.getImageHeight();
      }
      size = Optional.of(FrameSize.fixed(shortSide.widthFor(w, h), shortSide.heightFor(w, h)));
    }
    FFmpegFrameGrabber g = new FFmpegFrameGrabber(input);
    format.ifPresent(g::setFormat);
    options.forEach(g::setOption);
    g.setPixelFormat(avutil.AV_PIX_FMT_RGB24);
    if (size.isPresent() && size.get() instanceof FrameSize.Fixed fixed) {
      g.setImageWidth(fixed.width());
      g.setImageHeight(fixed.height());
    }
    try {
      g.start();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      release(g);
      throw new SourceException("cannot open " + input + ": " + e.getMessage(), e);
    }
    if (!g.hasVideo()) {
      release(g);
      throw new SourceException(
          "cannot read "
              + input
              + ": it has no video stream (format "
              + g.getFormat()
              + "); expected a video file or stream");
    }
    return new FfmpegInput(input, g);
  }

  /** The next video frame, or empty at the end of the input. */
  Optional<Raw> grab() throws SourceException {
    if (grabber == null) {
      return Optional.empty();
    }
    Frame frame;
    try {
      frame = grabber.grabImage();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      throw new SourceException("cannot decode " + input + ": " + e.getMessage(), e);
    }
    if (frame == null || frame.image == null) {
      return Optional.empty();
    }
    long timestamp = frame.timestamp;
    if (lastTimestamp != Long.MIN_VALUE && timestamp <= lastTimestamp) {
      // Decoders flushing delayed frames at the end of some AVI files report timestamp 0:
      // keep presentation times increasing by one frame instead.
      double rate = frameRate();
      timestamp = lastTimestamp + (rate > 0 ? Math.round(1_000_000 / rate) : 1);
    }
    lastTimestamp = timestamp;
    return Optional.of(new Raw(copyRgb(frame), frame.imageWidth, frame.imageHeight, timestamp));
  }

  /**
   * Copies a decoded RGB24 frame into a packed array. FFmpeg pads rows to an alignment, so rows are
   * copied one by one using the frame's stride rather than as one {@code width * 3} block.
   */
  static byte[] copyRgb(Frame frame) {
    // JavaCV derives imageChannels from stride / width, which padding inflates (a 134-pixel
    // wide RGB24 frame has a 576-byte stride and reports 4 channels): trust the stride only.
    if (frame.imageDepth != Frame.DEPTH_UBYTE || frame.imageStride < frame.imageWidth * 3) {
      throw new IllegalStateException(
          "expected packed 8-bit RGB rows of at least "
              + frame.imageWidth * 3
              + " bytes, got depth "
              + frame.imageDepth
              + " and stride "
              + frame.imageStride);
    }
    ByteBuffer buffer = (ByteBuffer) frame.image[0];
    int rowBytes = frame.imageWidth * 3;
    byte[] rgb = new byte[rowBytes * frame.imageHeight];
    for (int y = 0; y < frame.imageHeight; y++) {
      buffer.get(y * frame.imageStride, rgb, y * rowBytes, rowBytes);
    }
    return rgb;
  }

  /** Frames per second the container declares (0 when unknown). */
  double frameRate() {
    return grabber.getVideoFrameRate() > 0 ? grabber.getVideoFrameRate() : grabber.getFrameRate();
  }

  /** The container's estimate of the number of video frames (0 when unknown). */
  int lengthInFrames() {
    return grabber.getLengthInVideoFrames();
  }

  /** Seeks so that the next frame is the first with a timestamp at or after {@code micros}. */
  void seekMicros(long micros) throws SourceException {
    try {
      grabber.setVideoTimestamp(micros);
      lastTimestamp = Long.MIN_VALUE;
    } catch (FrameGrabber.Exception | RuntimeException e) {
      throw new SourceException("cannot seek in " + input + ": " + e.getMessage(), e);
    }
  }

  /** Seeks with the grabber's frame-number seek (exact on mp4, not on some AVI files). */
  void seekFrameNumber(int frame) throws SourceException {
    try {
      grabber.setVideoFrameNumber(frame);
      lastTimestamp = Long.MIN_VALUE;
    } catch (FrameGrabber.Exception | RuntimeException e) {
      throw new SourceException("cannot seek in " + input + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (grabber != null) {
      release(grabber);
      grabber = null;
    }
  }

  private static void release(FFmpegFrameGrabber g) {
    try {
      g.release();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      // Nothing left to do with a grabber that cannot be released.
    }
  }
}
