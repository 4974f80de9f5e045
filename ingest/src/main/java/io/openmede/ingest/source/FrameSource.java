package io.openmede.ingest.source;

import java.util.Optional;

/**
 * A stream of decoded frames: a video file, a directory, a network stream, a camera, images or the
 * synthetic world.
 *
 * <p><b>Lifecycle.</b> Construction does no I/O. {@link #open()} acquires native resources (and
 * fails with a {@link SourceException} naming the problem); {@link #next()} then returns frames in
 * sequence order until the source is exhausted, after which it returns empty on every call. {@link
 * #close()} releases everything, is idempotent, and after it {@code next()} returns empty. Calling
 * {@code next()} before {@code open()} opens the source.
 *
 * <p><b>Sequences.</b> The first frame has sequence 0 and each further frame the previous sequence
 * plus one, across files, loop passes and reconnections. Capture times never decrease.
 *
 * <p><b>Live sources</b> ({@link #live()} true: network streams, cameras) do not end when the
 * stream drops: they reconnect with capped exponential backoff, and {@code next()} blocks until a
 * frame arrives, the source is closed, or reconnecting gives up (then it throws).
 *
 * <p><b>Thread-safety.</b> {@code open} and {@code next} are called from one thread at a time.
 * {@code close} may be called from any thread, also while another thread is blocked in {@code
 * next}; that call then returns empty within the source's I/O timeout.
 */
public interface FrameSource extends AutoCloseable {

  /**
   * Opens the source. Calling it again has no effect.
   *
   * @throws SourceException when the source cannot be opened (the message says why)
   */
  void open() throws SourceException;

  /**
   * The next frame, or empty when the source is exhausted or closed.
   *
   * @throws SourceException when the source fails in a way it cannot recover from
   */
  Optional<DecodedFrame> next() throws SourceException;

  /** Whether this is a live source: frames are dropped rather than waited for under pressure. */
  boolean live();

  /** A short human-readable description (path, URL or device) for progress lines and records. */
  String description();

  /** Releases all resources; idempotent and callable from any thread. */
  @Override
  void close();
}
