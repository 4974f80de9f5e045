package io.openmede.ingest.source;

import io.openmede.ingest.frame.FrameResizer;
import io.openmede.ingest.frame.FrameSize;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The reading loop shared by network streams and cameras: open, read, and on failure or end of
 * stream reconnect with capped exponential backoff, keeping sequence numbers running.
 */
final class LiveFfmpegSource {
  private final String input;
  private final Optional<String> format;
  private final Map<String, String> ffmpegOptions;
  private final SourceOptions options;
  private final Reconnect reconnect;
  private final ReentrantLock reading = new ReentrantLock();
  private final CountDownLatch closedSignal = new CountDownLatch(1);

  private volatile boolean closed;
  private FfmpegInput current;
  private boolean ended;
  private long sequence;
  private long frameIndex;
  private int consecutiveFailures;
  private volatile long connections;
  private volatile String lastError = "";

  LiveFfmpegSource(
      String input,
      Optional<String> format,
      Map<String, String> ffmpegOptions,
      SourceOptions options,
      Reconnect reconnect) {
    this.input = input;
    this.format = format;
    this.ffmpegOptions = Map.copyOf(ffmpegOptions);
    this.options = options;
    this.reconnect = reconnect;
  }

  void open() throws SourceException {
    reading.lock();
    try {
      if (current == null && !closed && !ended) {
        connect();
      }
    } finally {
      releaseIfClosed();
      reading.unlock();
    }
  }

  private void connect() throws SourceException {
    // Only fixed sizes go to FFmpeg: a short side would need a second connection to learn the
    // stream's size, so it is applied in Java.
    Optional<FrameSize> ffmpegSize = options.size().filter(s -> s instanceof FrameSize.Fixed);
    current = FfmpegInput.open(input, format, ffmpegOptions, ffmpegSize);
    frameIndex = 0;
    connections++;
  }

  Optional<DecodedFrame> next() throws SourceException {
    reading.lock();
    try {
      while (!closed && !ended) {
        if (current == null) {
          try {
            connect();
          } catch (SourceException e) {
            failed(e);
            continue;
          }
        }
        Optional<FfmpegInput.Raw> raw;
        try {
          raw = current.grab();
        } catch (SourceException e) {
          current.close();
          current = null;
          failed(e);
          continue;
        }
        if (raw.isPresent()) {
          consecutiveFailures = 0;
          return Optional.of(toFrame(raw.get()));
        }
        current.close();
        current = null;
        failed(new SourceException("stream " + input + " ended"));
      }
      return Optional.empty();
    } finally {
      releaseIfClosed();
      reading.unlock();
    }
  }

  /** Records a failure and waits the backoff; throws when reconnecting gives up. */
  private void failed(SourceException e) throws SourceException {
    lastError = e.getMessage();
    consecutiveFailures++;
    if (reconnect.maxAttempts().isPresent() && reconnect.maxAttempts().getAsInt() == 0) {
      if (connections == 0) {
        throw e;
      }
      ended = true;
      return;
    }
    if (!reconnect.allowsAnotherAttempt(consecutiveFailures)) {
      throw new SourceException(
          "gave up on "
              + input
              + " after "
              + consecutiveFailures
              + " failed attempts; last error: "
              + e.getMessage(),
          e);
    }
    Duration delay = reconnect.delayAfter(consecutiveFailures);
    try {
      closedSignal.await(delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  private DecodedFrame toFrame(FfmpegInput.Raw raw) {
    DecodedFrame frame =
        new DecodedFrame(
            raw.rgb(),
            raw.width(),
            raw.height(),
            sequence++,
            options.clock().instant(),
            new SourcePosition(input, frameIndex++, Math.max(0, raw.timestampMicros())));
    if (options.size().isPresent() && options.size().get() instanceof FrameSize.ShortSide) {
      return FrameResizer.resize(frame, options.size().get());
    }
    return frame;
  }

  /** Successful connections so far (1 after the first, 2 after one reconnection, ...). */
  long connections() {
    return connections;
  }

  String lastError() {
    return lastError;
  }

  private void releaseIfClosed() {
    if (closed && current != null) {
      current.close();
      current = null;
    }
  }

  void close() {
    closed = true;
    closedSignal.countDown();
    if (reading.tryLock()) {
      try {
        releaseIfClosed();
      } finally {
        reading.unlock();
      }
    }
  }
}
