package io.openmede.platform.service;

import io.openmede.platform.health.Health;
import io.openmede.platform.health.ServiceEndpoint;
import io.openmede.platform.health.ServiceRun;
import io.openmede.settings.Settings;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How every service (recognizer, events, labeler, trainer) starts, serves and stops, in one place:
 *
 * <ol>
 *   <li>its command resolves the settings and hands them to {@link #run};
 *   <li>the service's start opens its resources in order into a {@link Resources} (model, Kafka
 *       clients, Kafka Streams, consumer threads, then {@link #endpoint} and {@link #watch} for its
 *       health and metrics), closing what it opened if a later step throws;
 *   <li>{@link #run} serves it ({@link ServiceRun}) until a stop request or its end (exit status 0)
 *       or a dead component (exit status 1, with the reason on stderr);
 *   <li>the service closes its resources in the reverse order, once, whichever came first.
 * </ol>
 */
public final class ServiceSkeleton {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceSkeleton.class);

  /** How often a service's health is read when nobody asks. */
  public static final Duration HEALTH_WATCH = Duration.ofSeconds(1);

  private ServiceSkeleton() {}

  /** Starts a service from resolved settings. */
  @FunctionalInterface
  public interface Starter {
    RunningService start(Settings settings) throws Exception;
  }

  /**
   * Starts the service, serves it and closes it.
   *
   * @param name the service's name in the lines it prints ("recognizer")
   * @return the exit status: 0 after a stop request or when the service finished by itself, 1 when
   *     a component died
   * @throws Exception what the start threw (after it closed what it had opened)
   */
  public static int run(String name, Settings settings, Starter starter, PrintStream err)
      throws Exception {
    try (RunningService service = starter.start(settings)) {
      return ServiceRun.serve(name, service.health(), service.finished(), service, err);
    }
  }

  /**
   * Serves {@code /metrics}, {@code /health/live} and {@code /health/ready} on {@code port} of
   * every address, closed with {@code opened}; none when the port is 0.
   */
  public static Optional<ServiceEndpoint> endpoint(
      Resources opened, int port, Health health, PrometheusRegistry registry) throws IOException {
    if (port <= 0) {
      return Optional.empty();
    }
    ServiceEndpoint e =
        opened.add(ServiceEndpoint.start("0.0.0.0", port, health, List.of(registry)));
    LOG.info(
        "{}: metrics on http://0.0.0.0:{}/metrics, health on /health/live and /health/ready",
        health.service(),
        port);
    return Optional.of(e);
  }

  /**
   * Reads {@code health} every second until {@code opened} closes, so that a component that dies is
   * noticed (and the run ends) even when nobody asks.
   */
  public static void watch(Resources opened, Health health) {
    opened.add(health.watch(HEALTH_WATCH));
  }
}
