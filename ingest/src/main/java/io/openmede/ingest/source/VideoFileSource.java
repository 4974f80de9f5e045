package io.openmede.ingest.source;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Frames of one video file in any container and codec the bundled FFmpeg decodes (mp4, mkv, avi,
 * webm, ...), decoded with JavaCV. Finite unless {@link SourceOptions#loop()} is set; not live.
 *
 * <p>Capture times are the time {@link #open()} ran plus each frame's presentation time, so they
 * are spaced as in the file. When looping, each pass continues where the last one ended.
 *
 * <p>Thread-safety as {@link FrameSource} says: one reading thread, {@code close} from any.
 */
public final class VideoFileSource implements FrameSource {
  private final Path file;
  private final SourceOptions options;

  private FfmpegInput input;
  private boolean opened;
  private volatile boolean closed;
  private Instant openedAt;
  private long sequence;
  private long frameIndex;
  private long firstTimestamp = Long.MIN_VALUE;
  private long lastTimestamp;
  private long passOffsetMicros;
  private double frameRate;
  private int declaredFrames;
  private FfmpegInput.Raw pending;

  public VideoFileSource(Path file) {
    this(file, SourceOptions.defaults());
  }

  public VideoFileSource(Path file, SourceOptions options) {
    this.file = Objects.requireNonNull(file, "file");
    this.options = Objects.requireNonNull(options, "options");
  }

  @Override
  public synchronized void open() throws SourceException {
    if (opened || closed) {
      return;
    }
    if (!Files.isRegularFile(file)) {
      throw new SourceException(
          "video file " + file + " does not exist or is not a regular file; check the path");
    }
    input = openInput();
    // Decode the first frame now: it fixes the media time origin for seeking, and a file without
    // a single decodable frame is reported here rather than looking like an empty video.
    Optional<FfmpegInput.Raw> first = input.grab();
    if (first.isEmpty()) {
      release();
      throw new SourceException(
          "video file " + file + " has no decodable video frames (truncated or damaged?)");
    }
    pending = first.get();
    firstTimestamp = pending.timestampMicros();
    openedAt = options.clock().instant();
    opened = true;
  }

  private FfmpegInput openInput() throws SourceException {
    FfmpegInput in = FfmpegInput.open(file.toString(), Optional.empty(), Map.of(), options.size());
    frameRate = in.frameRate();
    declaredFrames = in.lengthInFrames();
    return in;
  }

  @Override
  public synchronized Optional<DecodedFrame> next() throws SourceException {
    if (closed) {
      return Optional.empty();
    }
    open();
    if (pending != null) {
      FfmpegInput.Raw raw = pending;
      pending = null;
      return Optional.of(toFrame(raw));
    }
    while (input != null) {
      Optional<FfmpegInput.Raw> raw = input.grab();
      if (raw.isPresent()) {
        return Optional.of(toFrame(raw.get()));
      }
      if (!options.loop() || frameIndex == 0) {
        release();
        return Optional.empty();
      }
      // Next pass: continue the media clock one frame after the last frame of this pass.
      passOffsetMicros += lastTimestamp - firstTimestamp + frameDurationMicros();
      firstTimestamp = Long.MIN_VALUE;
      frameIndex = 0;
      input.close();
      input = openInput();
    }
    return Optional.empty();
  }

  private DecodedFrame toFrame(FfmpegInput.Raw raw) {
    if (firstTimestamp == Long.MIN_VALUE) {
      firstTimestamp = raw.timestampMicros();
    }
    lastTimestamp = Math.max(lastTimestamp, raw.timestampMicros());
    long media = Math.max(0, raw.timestampMicros() - firstTimestamp);
    Instant capture = openedAt.plusNanos((passOffsetMicros + media) * 1000L);
    DecodedFrame frame =
        new DecodedFrame(
            raw.rgb(),
            raw.width(),
            raw.height(),
            sequence++,
            capture,
            new SourcePosition(file.toString(), frameIndex++, raw.timestampMicros()));
    return frame;
  }

  private long frameDurationMicros() {
    return frameRate > 0 ? Math.round(1_000_000 / frameRate) : 0;
  }

  /**
   * The number of video frames the container declares (from its duration and frame rate where it
   * keeps no count), 0 when unknown; valid after {@link #open()}. Only decoding gives the exact
   * count.
   */
  public synchronized int declaredFrameCount() {
    return declaredFrames;
  }

  /** Frames per second the file declares; valid after {@link #open()}, 0 when unknown. */
  public synchronized double frameRate() {
    return frameRate;
  }

  /**
   * Positions the source so that the next frame is the frame with 0-based index {@code index} in
   * presentation order, whose timestamp is {@code index / frameRate} after the first frame's.
   * FFmpeg seeks to a point a frame early (its own timestamp and frame-number seeks land one frame
   * off on some seeks in mp4 and AVI files), then frames are decoded and dropped up to the one
   * nearest the target time. Sequences continue from the last frame returned; frame indices restart
   * at {@code index}. Returns false when {@code index} is past the end.
   */
  public synchronized boolean seekToFrame(long index) throws SourceException {
    if (index < 0) {
      throw new IllegalArgumentException("frame index " + index + " is negative");
    }
    open();
    if (closed) {
      throw new SourceException("cannot seek in " + file + ": the source is closed");
    }
    if (input == null) {
      input = openInput(); // reached the end before: open again to seek backwards
    }
    if (frameRate <= 0) {
      throw new SourceException("cannot seek in " + file + ": the frame rate is unknown");
    }
    double duration = 1_000_000.0 / frameRate;
    long origin = firstTimestamp == Long.MIN_VALUE ? 0 : firstTimestamp;
    long target = origin + Math.round(index * duration);
    input.seekMicros(Math.max(0, target - Math.round(duration)));
    pending = null;
    while (true) {
      Optional<FfmpegInput.Raw> raw = input.grab();
      if (raw.isEmpty()) {
        return false;
      }
      if (raw.get().timestampMicros() >= target - duration / 2) {
        pending = raw.get();
        frameIndex = index;
        return true;
      }
    }
  }

  @Override
  public boolean live() {
    return false;
  }

  @Override
  public String description() {
    return file.toString();
  }

  private void release() {
    if (input != null) {
      input.close();
      input = null;
    }
  }

  @Override
  public void close() {
    closed = true;
    synchronized (this) {
      release();
    }
  }
}
