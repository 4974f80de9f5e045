package io.openmede.ingest.source;

import io.openmede.ingest.frame.FrameResizer;
import io.openmede.world.CameraFrame;
import io.openmede.world.SyntheticCamera;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Frames of the synthetic world's {@link SyntheticCamera}: endless unless a frame count is given.
 *
 * <p>As a live source ({@code live} true) it behaves like a camera: frames come at the camera's
 * frame rate and carry the wall-clock time; otherwise they come as fast as they render, with
 * capture times {@code open time + the frame's presentation time}. Sizes other than the world's are
 * applied in Java.
 */
public final class SyntheticSource implements FrameSource {
  private final SyntheticCamera camera;
  private final OptionalLong frames;
  private final boolean live;
  private final SourceOptions options;
  private Instant openedAt;
  private long startNanos;
  private long sequence;
  private volatile boolean closed;

  /**
   * @param camera the camera, positioned where the stream starts
   * @param frames frames to produce before ending, or empty for an endless stream
   * @param live whether to pace frames at the camera's rate and stamp them with the wall clock
   * @param options size and clock ({@code loop} is ignored)
   */
  public SyntheticSource(
      SyntheticCamera camera, OptionalLong frames, boolean live, SourceOptions options) {
    this.camera = Objects.requireNonNull(camera, "camera");
    this.frames = Objects.requireNonNull(frames, "frames");
    this.live = live;
    this.options = Objects.requireNonNull(options, "options");
  }

  @Override
  public synchronized void open() {
    if (openedAt == null) {
      openedAt = options.clock().instant();
      startNanos = System.nanoTime();
    }
  }

  @Override
  public synchronized Optional<DecodedFrame> next() throws SourceException {
    if (closed || (frames.isPresent() && sequence >= frames.getAsLong())) {
      return Optional.empty();
    }
    open();
    if (live) {
      long wait = startNanos + sequence * camera.frameIntervalNanos() - System.nanoTime();
      if (wait > 0) {
        try {
          TimeUnit.NANOSECONDS.sleep(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return Optional.empty();
        }
      }
    }
    CameraFrame f = camera.next();
    Instant capture =
        live ? options.clock().instant() : openedAt.plusNanos(f.timestampMicros() * 1000);
    DecodedFrame frame =
        new DecodedFrame(
            f.rgb().clone(),
            f.width(),
            f.height(),
            sequence++,
            capture,
            new SourcePosition("synthetic:" + f.cameraId(), f.index(), f.timestampMicros()));
    return Optional.of(options.size().map(s -> FrameResizer.resize(frame, s)).orElse(frame));
  }

  @Override
  public boolean live() {
    return live;
  }

  @Override
  public String description() {
    return "synthetic:" + camera.settings().cameraId();
  }

  @Override
  public void close() {
    closed = true;
  }
}
