package io.openmede.platform.service;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * One service's Prometheus metrics, registered in a {@link PrometheusRegistry} of their own (so
 * that several services in one process, or in tests, do not collide). Each metrics class of a
 * service holds one and declares its metrics through it by their full names ({@code
 * openmede_recognizer_windows}), so a name found on a dashboard is found in the code. Rates come
 * from the counters with PromQL's {@code rate()}.
 *
 * <p>Thread-safe.
 */
public final class ServiceMetrics {

  private final PrometheusRegistry registry = new PrometheusRegistry();

  /** The registry to serve (see {@link io.openmede.platform.health.ServiceEndpoint}). */
  public PrometheusRegistry registry() {
    return registry;
  }

  /** A counter, by {@code labels} when any are given. */
  public Counter counter(String name, String help, String... labels) {
    Counter.Builder b = Counter.builder().name(name).help(help);
    if (labels.length > 0) {
      b.labelNames(labels);
    }
    return b.register(registry);
  }

  /** A gauge, by {@code labels} when any are given. */
  public Gauge gauge(String name, String help, String... labels) {
    Gauge.Builder b = Gauge.builder().name(name).help(help);
    if (labels.length > 0) {
      b.labelNames(labels);
    }
    return b.register(registry);
  }

  /** A classic histogram with these bucket upper bounds. */
  public Histogram histogram(String name, String help, double... upperBounds) {
    return Histogram.builder()
        .name(name)
        .help(help)
        .classicOnly()
        .classicUpperBounds(upperBounds)
        .register(registry);
  }

  /** An info metric: one series whose labels carry the value (a version). */
  public Info info(String name, String help, String... labels) {
    return Info.builder().name(name).help(help).labelNames(labels).register(registry);
  }
}
