package io.openmede.recognizer.metrics;

import io.openmede.platform.service.ServiceMetrics;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The recognizer's Prometheus metrics, registered in their own {@link PrometheusRegistry} (so that
 * several instances, e.g. in tests, do not collide). Rates ("records per second") come from the
 * counters with PromQL's {@code rate()}.
 *
 * <p>Thread-safe.
 */
public final class RecognizerMetrics {

  /** The service's name in its dead letters (and in its metric names). */
  public static final String SERVICE = "recognizer";

  private final ServiceMetrics metrics = new ServiceMetrics();

  /** Frame batches read from the frames topic. */
  public final Counter frameBatches =
      metrics.counter("openmede_recognizer_frame_batches", "Frame batches read.");

  /** Frame batches ignored because their batch sequence number was seen before. */
  public final Counter duplicateBatches =
      metrics.counter(
          "openmede_recognizer_duplicate_batches", "Frame batches ignored as duplicates.");

  /**
   * Streams started afresh: nothing of the stream was accepted for {@code streams.resync-after} and
   * a batch out of its position's bounds came (a camera whose numbering restarted).
   */
  public final Counter streamResyncs =
      metrics.counter(
          "openmede_recognizer_stream_resyncs",
          "Streams started afresh after their numbering moved out of bounds.");

  /** Frames dropped because they arrived after their window had moved on. */
  public final Counter lateFrames =
      metrics.counter("openmede_recognizer_late_frames", "Frames that arrived after their window.");

  /** Gaps beyond the reorder bound that restarted a stream's windowing. */
  public final Counter windowGaps =
      metrics.counter(
          "openmede_recognizer_window_gaps", "Gaps in frame sequence that restarted a window.");

  /** Windows completed and queued for scoring. */
  public final Counter windows =
      metrics.counter("openmede_recognizer_windows", "Windows completed.");

  /** Windows not scored because the vocabulary was empty. */
  public final Counter unscoredWindows =
      metrics.counter(
          "openmede_recognizer_unscored_windows", "Windows not scored: the vocabulary was empty.");

  /** Micro-batches whose preparation or scoring threw (their windows are retried). */
  public final Counter scoringFailures =
      metrics.counter(
          "openmede_recognizer_scoring_failures",
          "Micro-batches whose preparation or scoring threw; their windows are scored again, and"
              + " dead-lettered after 3 failures.");

  /** Recognitions produced. */
  public final Counter recognitions =
      metrics.counter("openmede_recognizer_recognitions", "Recognitions produced.");

  /** Records sent to dead letters, by reason. */
  public final Counter deadLetters =
      metrics.counter(
          "openmede_recognizer_dead_letters", "Records sent to the dead-letter topic.", "reason");

  /** Vocabulary records refused, by reason (key, value, entry, registry); the previous stays. */
  public final Counter vocabularyRefused =
      metrics.counter(
          "openmede_recognizer_vocabulary_refused",
          "Vocabulary records refused; the label's previous entry stays in use.",
          "reason");

  /** Windows per scored micro-batch. */
  public final Histogram batchSize =
      metrics.histogram(
          "openmede_recognizer_batch_size",
          "Windows per scored micro-batch.",
          1,
          2,
          4,
          8,
          16,
          32,
          64,
          128);

  /** Seconds from the arrival of a window's last batch to its recognition. */
  public final Histogram latency =
      metrics.histogram(
          "openmede_recognizer_latency_seconds",
          "Arrival of a window's last frame batch to its recognition.",
          0.005,
          0.01,
          0.025,
          0.05,
          0.1,
          0.25,
          0.5,
          1,
          2.5,
          5,
          10);

  /** Seconds spent preparing one micro-batch for the model (decode, preprocess). */
  public final Histogram prepareSeconds =
      stepSeconds(
          "openmede_recognizer_prepare_seconds",
          "Time to decode and preprocess one micro-batch (on the stream thread).");

  /** Seconds spent scoring one prepared micro-batch (embed, rank). */
  public final Histogram batchSeconds =
      stepSeconds(
          "openmede_recognizer_batch_seconds",
          "Time to score one prepared micro-batch (embed and rank, on the scoring thread).");

  /** A histogram of how long one step of a micro-batch took, in seconds. */
  private Histogram stepSeconds(String name, String help) {
    return metrics.histogram(
        name, help, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5);
  }

  /** Windows waiting in scoring buffers. */
  public final Gauge queueDepth =
      metrics.gauge("openmede_recognizer_queue_depth", "Windows waiting in the scoring buffers.");

  /** The vocabulary version in use. */
  public final Gauge vocabularyVersion =
      metrics.gauge(
          "openmede_recognizer_vocabulary_version", "Vocabulary changes applied by this instance.");

  /** The number of enabled labels. */
  public final Gauge vocabularySize =
      metrics.gauge("openmede_recognizer_vocabulary_size", "Enabled labels in the vocabulary.");

  /** The model version served. */
  public final Info modelVersion =
      metrics.info("openmede_recognizer_model", "The model version served.", "version");

  /**
   * 1 while an operator pinned the served model (openmede model rollback): trainer checkpoints are
   * not installed (counted as refused, reason pinned) until openmede model unpin.
   */
  public final Gauge modelPinned =
      metrics.gauge(
          "openmede_recognizer_model_pinned",
          "1 while an operator pinned the served model (a rollback): trainer checkpoints wait for"
              + " openmede model unpin.");

  /** Checkpoints installed. */
  public final Counter checkpointsInstalled =
      metrics.counter("openmede_recognizer_checkpoints_installed", "Checkpoints installed.");

  /** Checkpoints refused, by reason (hash, size, architecture, unreadable, fetch). */
  public final Counter checkpointsRefused =
      metrics.counter(
          "openmede_recognizer_checkpoints_refused",
          "Checkpoints refused; the current model kept serving.",
          "reason");

  /** The registry holding these metrics (for an exporter). */
  public PrometheusRegistry registry() {
    return metrics.registry();
  }

  /** Records the model version served now. */
  public void servingModel(String version) {
    modelVersion.setLabelValues(version);
  }
}
