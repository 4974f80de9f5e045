package io.openmede.ingest.produce;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of one ingestion run, updated from the reading, encoding and producer callback threads.
 * Thread-safe.
 */
public final class IngestMetrics {
  private final long startNanos = System.nanoTime();
  final AtomicLong framesRead = new AtomicLong();
  final AtomicLong framesSent = new AtomicLong();
  final AtomicLong framesDropped = new AtomicLong();
  final AtomicLong batchesSent = new AtomicLong();
  final AtomicLong recordsAcked = new AtomicLong();
  final AtomicLong bytesSent = new AtomicLong();
  final AtomicLong clips = new AtomicLong();
  final AtomicLong errors = new AtomicLong();
  final AtomicLong registryRetries = new AtomicLong();

  /** A consistent-enough view of the counters for display. */
  public record Snapshot(
      double seconds,
      long framesRead,
      long framesSent,
      long framesDropped,
      long batchesSent,
      long recordsAcked,
      long bytesSent,
      long clips,
      long errors) {

    /** Frames read per second of wall time since the run started. */
    public double framesPerSecond() {
      return seconds > 0 ? framesRead / seconds : 0;
    }

    /** One line: frames, rate, batches, clips, dropped, errors, megabytes. */
    public String line() {
      return String.format(
          java.util.Locale.ROOT,
          "frames %d (%.1f/s) sent %d in %d batches, clips %d, dropped %d, errors %d, %.1f MB, %.0f s",
          framesRead,
          framesPerSecond(),
          framesSent,
          batchesSent,
          clips,
          framesDropped,
          errors,
          bytesSent / 1e6,
          seconds);
    }
  }

  /**
   * Exposes the counters in {@code registry} (Prometheus names {@code openmede_ingest_*_total});
   * the values are read at each scrape.
   */
  public void register(io.prometheus.metrics.model.registry.PrometheusRegistry registry) {
    counter(registry, "frames_read", "Frames read from the source.", framesRead);
    counter(registry, "frames_sent", "Frames sent to Kafka.", framesSent);
    counter(
        registry,
        "frames_dropped",
        "Frames a live source dropped because Kafka was slower.",
        framesDropped);
    counter(registry, "batches_sent", "Frame batches sent.", batchesSent);
    counter(registry, "records_acked", "Records acknowledged by Kafka.", recordsAcked);
    counter(registry, "bytes_sent", "Record bytes sent.", bytesSent);
    counter(registry, "clips", "Labeled clips sent.", clips);
    counter(registry, "errors", "Source, encoding and delivery errors.", errors);
    counter(
        registry,
        "registry_retries",
        "Batches sent again because the schema registry refused or did not answer.",
        registryRetries);
  }

  private static void counter(
      io.prometheus.metrics.model.registry.PrometheusRegistry registry,
      String name,
      String help,
      AtomicLong value) {
    io.prometheus.metrics.core.metrics.CounterWithCallback.builder()
        .name("openmede_ingest_" + name)
        .help(help)
        .callback(cb -> cb.call(value.get()))
        .register(registry);
  }

  public Snapshot snapshot() {
    return new Snapshot(
        (System.nanoTime() - startNanos) / 1e9,
        framesRead.get(),
        framesSent.get(),
        framesDropped.get(),
        batchesSent.get(),
        recordsAcked.get(),
        bytesSent.get(),
        clips.get(),
        errors.get());
  }

  public void clipDone() {
    clips.incrementAndGet();
  }

  /** Batches sent again because the schema registry refused or did not answer. */
  public long registryRetries() {
    return registryRetries.get();
  }

  public void error() {
    errors.incrementAndGet();
  }
}
