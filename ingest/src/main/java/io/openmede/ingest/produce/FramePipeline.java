package io.openmede.ingest.produce;

import io.openmede.ingest.frame.EncodedFrame;
import io.openmede.ingest.frame.FrameBatcher;
import io.openmede.ingest.frame.FrameEncoder;
import io.openmede.ingest.frame.FrameSampler;
import io.openmede.ingest.frame.FrameSize;
import io.openmede.ingest.source.DecodedFrame;
import io.openmede.ingest.source.FrameSource;
import io.openmede.ingest.source.SourceException;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.avro.FrameEncoding;
import io.openmede.schemas.registry.SchemaRegistryException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves one source's frames to Kafka: a reader thread pulls frames from the source, samples them to
 * the target rate and (with {@code realtime}) paces files at their own speed; a bounded queue hands
 * them to the calling thread, which resizes, encodes, batches and sends them.
 *
 * <p><b>Back-pressure.</b> When Kafka is slower than the source, the producer's send blocks, the
 * queue fills, and then a live source's frames are dropped (counted in {@link
 * IngestMetrics.Snapshot#framesDropped()}) while a file source's reader waits. Memory stays bounded
 * by the queue capacity and the producer's buffer.
 *
 * <p><b>Stopping.</b> {@link #stop()} (from any thread, for example a shutdown hook) ends reading;
 * frames already queued are sent, the last partial batch is flushed, the producer is flushed, and
 * {@link #run()} returns.
 */
public final class FramePipeline {

  /**
   * @param streamId the stream id (record key)
   * @param targetFps frames per second to keep, or empty for all
   * @param size frame size, or empty to keep the decoded size
   * @param encoding JPEG or RGB
   * @param jpegQuality 1..100
   * @param framesPerBatch frames per batch at most
   * @param maxMessageBytes the largest record value
   * @param queueCapacity frames buffered between reader and sender
   * @param realtime pace non-live sources at their capture times instead of as fast as possible
   */
  public record Options(
      String streamId,
      Optional<Double> targetFps,
      Optional<FrameSize> size,
      FrameEncoding encoding,
      int jpegQuality,
      int framesPerBatch,
      int maxMessageBytes,
      int queueCapacity,
      boolean realtime) {
    public Options {
      Objects.requireNonNull(streamId, "streamId");
      if (queueCapacity < 1) {
        throw new IllegalArgumentException("queue capacity " + queueCapacity + " must be >= 1");
      }
    }

    /**
     * Every frame at its decoded size as JPEG at quality 90, 8 frames a batch, records of at most 1
     * MiB, 64 frames queued, as fast as the source gives them.
     */
    public static Options defaults(String streamId) {
      return new Options(
          streamId,
          Optional.empty(),
          Optional.empty(),
          FrameEncoding.JPEG,
          90,
          8,
          1 << 20,
          64,
          false);
    }

    /** These options keeping {@code fps} frames a second. */
    public Options withTargetFps(double fps) {
      return with(Optional.of(fps), jpegQuality, maxMessageBytes, realtime);
    }

    /** These options at JPEG quality {@code quality} (1..100). */
    public Options withJpegQuality(int quality) {
      return with(targetFps, quality, maxMessageBytes, realtime);
    }

    /** These options with records of at most {@code bytes}. */
    public Options withMaxMessageBytes(int bytes) {
      return with(targetFps, jpegQuality, bytes, realtime);
    }

    /** These options pacing a non-live source at its capture times. */
    public Options withRealtime() {
      return with(targetFps, jpegQuality, maxMessageBytes, true);
    }

    private Options with(Optional<Double> fps, int quality, int bytes, boolean paced) {
      return new Options(
          streamId, fps, size, encoding, quality, framesPerBatch, bytes, queueCapacity, paced);
    }
  }

  private static final Object END = new Object();

  /** The longest pause between two tries of a batch that the schema registry held up. */
  public static final Duration MAX_REGISTRY_PAUSE = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(FramePipeline.class);

  private final FrameSource source;
  private final FrameProducer producer;
  private final Options options;
  private final IngestMetrics metrics;
  private final BlockingQueue<Object> queue;
  private final StreamResume resume;
  private final AtomicReference<Exception> readerFailure = new AtomicReference<>();
  private volatile boolean stopped;

  public FramePipeline(
      FrameSource source, FrameProducer producer, Options options, IngestMetrics metrics) {
    this(source, producer, options, metrics, StreamResume.FRESH);
  }

  /**
   * @param resume where the stream's batch and frame numbers continue (after a restart of this
   *     ingest, numbers must go on above those the recognizers have seen)
   */
  public FramePipeline(
      FrameSource source,
      FrameProducer producer,
      Options options,
      IngestMetrics metrics,
      StreamResume resume) {
    this.resume = Objects.requireNonNull(resume, "resume");
    this.source = Objects.requireNonNull(source, "source");
    this.producer = Objects.requireNonNull(producer, "producer");
    this.options = Objects.requireNonNull(options, "options");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.queue = new ArrayBlockingQueue<>(options.queueCapacity());
  }

  /**
   * Runs until the source ends or {@link #stop()}; then flushes. Does not close the source or the
   * producer.
   *
   * @throws SourceException when the source fails (after what was read has been sent)
   * @throws io.openmede.ingest.frame.FrameTooLargeException when a frame cannot fit a message
   */
  public void run() throws SourceException, InterruptedException {
    source.open();
    Thread reader = new Thread(this::read, "ingest-reader-" + options.streamId());
    reader.setDaemon(true);
    reader.start();
    FrameBatcher batcher =
        new FrameBatcher(
            options.streamId(),
            Optional.of(source.description()),
            options.framesPerBatch(),
            options.maxMessageBytes(),
            resume.nextBatch());
    try (FrameEncoder encoder =
        new FrameEncoder(options.size(), options.encoding(), options.jpegQuality())) {
      while (true) {
        Object item = queue.take();
        if (item == END) {
          break;
        }
        EncodedFrame encoded = renumbered(encoder.encode((DecodedFrame) item));
        for (FrameBatch batch : batcher.add(encoded)) {
          send(batch);
        }
      }
      java.util.Optional<FrameBatch> last = batcher.flush();
      if (last.isPresent()) {
        send(last.get());
      }
      producer.flush();
    } catch (RuntimeException e) {
      stop();
      throw e;
    } finally {
      stopped = true;
      reader.interrupt();
      reader.join(10_000);
    }
    Exception failure = readerFailure.get();
    if (failure instanceof SourceException se) {
      throw se;
    } else if (failure != null) {
      throw new IllegalStateException("reading " + source.description() + " failed", failure);
    }
  }

  /**
   * Sends a batch; while the schema registry refuses or does not answer (the writer schema is
   * registered at the first send), waits and sends the same batch again, pausing 0.5 s doubling to
   * {@link #MAX_REGISTRY_PAUSE}, until it goes or the pipeline is stopped: a registry error never
   * stops a camera for good. A live source drops frames meanwhile (counted), a file source waits.
   */
  private void send(FrameBatch batch) throws InterruptedException {
    long pause = 500;
    while (true) {
      try {
        producer.send(batch);
        return;
      } catch (RuntimeException e) {
        if (!registryFailure(e)) {
          throw e;
        }
        metrics.registryRetries.incrementAndGet();
        LOG.warn(
            "stream {}: {}; sending batch {} again in {} ms",
            options.streamId(),
            e.getMessage(),
            batch.getBatchSequence(),
            pause);
        if (stopped) {
          return;
        }
        Thread.sleep(pause);
        pause = Math.min(pause * 2, MAX_REGISTRY_PAUSE.toMillis());
      }
    }
  }

  private static boolean registryFailure(Throwable t) {
    for (Throwable c = t; c != null && c.getCause() != c; c = c.getCause()) {
      if (c instanceof SchemaRegistryException) {
        return true;
      }
    }
    return false;
  }

  private EncodedFrame renumbered(EncodedFrame f) {
    if (resume.nextFrame() == 0) {
      return f;
    }
    return new EncodedFrame(
        f.sequence() + resume.nextFrame(),
        f.captureTime(),
        f.width(),
        f.height(),
        f.encoding(),
        f.data());
  }

  private void read() {
    FrameSampler sampler = options.targetFps().map(FrameSampler::new).orElse(null);
    boolean pace = options.realtime() && !source.live();
    Instant firstCapture = null;
    long startNanos = 0;
    long published = 0;
    try {
      while (!stopped) {
        Optional<DecodedFrame> next = source.next();
        if (next.isEmpty()) {
          break;
        }
        DecodedFrame frame = next.get();
        metrics.framesRead.incrementAndGet();
        if (sampler != null) {
          if (!sampler.keep(frame.captureTime())) {
            continue;
          }
          // The published stream is the sampled one: its frames are numbered consecutively, so
          // that a gap downstream still means a lost frame (a live drop below), not sampling.
          frame =
              new DecodedFrame(
                  frame.rgb(),
                  frame.width(),
                  frame.height(),
                  published++,
                  frame.captureTime(),
                  frame.position());
        }
        if (pace) {
          if (firstCapture == null) {
            firstCapture = frame.captureTime();
            startNanos = System.nanoTime();
          }
          long due = startNanos + Duration.between(firstCapture, frame.captureTime()).toNanos();
          long wait = due - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
        }
        if (source.live()) {
          if (!queue.offer(frame)) {
            metrics.framesDropped.incrementAndGet();
          }
        } else {
          while (!stopped && !queue.offer(frame, 100, TimeUnit.MILLISECONDS)) {
            // the sender is behind: wait (file sources lose nothing)
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      readerFailure.set(e);
      metrics.errors.incrementAndGet();
    } finally {
      try {
        queue.put(END);
      } catch (InterruptedException e) {
        queue.clear();
        queue.offer(END);
      }
    }
  }

  /** Ends reading; {@link #run()} sends what is queued, flushes and returns. Thread-safe. */
  public void stop() {
    stopped = true;
    source.close();
  }
}
