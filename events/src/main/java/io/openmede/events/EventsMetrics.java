package io.openmede.events;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** The events service's Prometheus metrics, in a registry of their own. Thread-safe. */
public final class EventsMetrics {

  private final PrometheusRegistry registry = new PrometheusRegistry();

  /** Recognitions read. */
  public final Counter recognitions =
      Counter.builder()
          .name("openmede_events_recognitions")
          .help("Recognitions read.")
          .register(registry);

  /** Events produced, by rule, label and state (OPENED, CLOSED). */
  public final Counter events =
      Counter.builder()
          .name("openmede_events_events")
          .help("Events produced, by rule, label and state.")
          .labelNames("rule", "label", "state")
          .register(registry);

  /** Rule records refused, by reason (key, value, rule, registry). */
  public final Counter rulesRefused =
      Counter.builder()
          .name("openmede_events_rules_refused")
          .help("Alert rule records refused, by reason.")
          .labelNames("reason")
          .register(registry);

  /** Recognition records dead-lettered, by reason. */
  public final Counter deadLetters =
      Counter.builder()
          .name("openmede_events_dead_letters")
          .help("Recognition records sent to dead letters, by reason.")
          .labelNames("reason")
          .register(registry);

  /** Webhook deliveries, by outcome (delivered, failed). */
  public final Counter webhooks =
      Counter.builder()
          .name("openmede_events_webhooks")
          .help("Webhook deliveries, by outcome (delivered, failed after every try or refused).")
          .labelNames("outcome")
          .register(registry);

  /** The registry to serve. */
  public PrometheusRegistry registry() {
    return registry;
  }
}
