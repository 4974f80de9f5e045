package io.openmede.events;

import io.openmede.platform.service.ServiceMetrics;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** The events service's Prometheus metrics, in a registry of their own. Thread-safe. */
public final class EventsMetrics {

  private final ServiceMetrics metrics = new ServiceMetrics();

  /** Recognitions read. */
  public final Counter recognitions =
      metrics.counter("openmede_events_recognitions", "Recognitions read.");

  /** Events produced, by rule, label and state (OPENED, CLOSED). */
  public final Counter events =
      metrics.counter(
          "openmede_events_events",
          "Events produced, by rule, label and state.",
          "rule",
          "label",
          "state");

  /** Rule records refused, by reason (key, value, rule, registry). */
  public final Counter rulesRefused =
      metrics.counter(
          "openmede_events_rules_refused", "Alert rule records refused, by reason.", "reason");

  /** Recognition records dead-lettered, by reason. */
  public final Counter deadLetters =
      metrics.counter(
          "openmede_events_dead_letters",
          "Recognition records sent to dead letters, by reason.",
          "reason");

  /**
   * Streams started afresh: an out-of-bounds recognition came after nothing of the stream was
   * accepted for {@code streams.resync-after} (a camera whose numbering really restarted).
   */
  public final Counter streamResyncs =
      metrics.counter(
          "openmede_events_stream_resyncs",
          "Streams started afresh by an out-of-bounds recognition after streams.resync-after with"
              + " nothing accepted.");

  /** Webhook deliveries, by outcome (delivered, failed). */
  public final Counter webhooks =
      metrics.counter(
          "openmede_events_webhooks",
          "Webhook deliveries, by outcome (delivered, failed after every try or refused).",
          "outcome");

  /**
   * Clip-made records published, by status (MADE, FRAMES_GONE, FAILED); REFUSED counts events whose
   * record was too large for the clips topic (dead-lettered instead).
   */
  public final Counter clips =
      metrics.counter(
          "openmede_events_clips",
          "Episodes whose clip was made, or could not be (frames gone, failed, refused), by status.",
          "status");

  /** Clips deleted by retention, by why (age, budget). */
  public final Counter clipsDeleted =
      metrics.counter(
          "openmede_events_clips_deleted",
          "Clips deleted by retention (age or disk budget; kept clips never are).");

  /** The registry to serve. */
  public PrometheusRegistry registry() {
    return metrics.registry();
  }
}
