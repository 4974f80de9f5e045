package io.openmede.platform.health;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import io.openmede.platform.http.BoundedHttpServer;
import io.openmede.platform.http.HttpLimits;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A service's HTTP port: {@code /metrics} (Prometheus text format, the given registries one after
 * the other), {@code /health/live} and {@code /health/ready} (200 or 503 with a JSON reason), and
 * {@code /health} (the whole picture, always 200). The one place where services open their port.
 *
 * <p>The port is a {@link BoundedHttpServer}: slow or many clients cannot stop it, and the health
 * paths answer while {@code /metrics} requests wait for a worker.
 *
 * <p>Lifecycle: {@link #start} binds (port 0 picks a free one); {@link #close()} stops.
 */
public final class ServiceEndpoint implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BoundedHttpServer server;

  private ServiceEndpoint(BoundedHttpServer server) {
    this.server = server;
  }

  /**
   * Serves {@code health} and {@code registries} on {@code host:port} with {@link
   * HttpLimits#DEFAULT}.
   *
   * @throws IOException when the port cannot be bound (the message names it)
   */
  public static ServiceEndpoint start(
      String host, int port, Health health, List<PrometheusRegistry> registries)
      throws IOException {
    return start(host, port, HttpLimits.DEFAULT, health, registries);
  }

  /**
   * Serves {@code health} and {@code registries} on {@code host:port} within {@code limits}.
   *
   * @throws IOException when the port cannot be bound (the message names it)
   */
  public static ServiceEndpoint start(
      String host, int port, HttpLimits limits, Health health, List<PrometheusRegistry> registries)
      throws IOException {
    try {
      return new ServiceEndpoint(
          BoundedHttpServer.start(
              health.service(),
              host,
              port,
              limits,
              ServiceEndpoint::isHealthPath,
              x -> answer(x, health, registries)));
    } catch (IOException e) {
      throw new IOException(
          "cannot serve "
              + health.service()
              + " metrics and health on "
              + host
              + ":"
              + port
              + " ("
              + e.getMessage()
              + "): pick a free port",
          e);
    }
  }

  /** Whether a path is a health path: answered at once, never waiting for a worker. */
  public static boolean isHealthPath(String path) {
    return path.equals("/health") || path.equals("/health/live") || path.equals("/health/ready");
  }

  private static void answer(HttpExchange x, Health health, List<PrometheusRegistry> registries)
      throws IOException {
    String path = x.getRequestURI().getPath();
    if (!x.getRequestMethod().equals("GET") && !x.getRequestMethod().equals("HEAD")) {
      send(x, 405, "application/json", json(Map.of("error", "only GET is served here")));
      return;
    }
    switch (path) {
      case "/metrics" -> metrics(x, registries);
      case "/health", "/health/live", "/health/ready" -> health(x, path, health);
      default ->
          send(
              x,
              404,
              "application/json",
              json(Map.of("error", "no such path; try /metrics, /health/live, /health/ready")));
    }
  }

  /** The bound port. */
  public int port() {
    return server.port();
  }

  /**
   * Answers a health path ({@code /health}, {@code /health/live}, {@code /health/ready}) on an
   * exchange; the live page uses it for its own port.
   */
  public static void health(HttpExchange x, String path, Health health) throws IOException {
    Health.Snapshot s = health.check();
    boolean ok =
        switch (path) {
          case "/health/live" -> s.live();
          case "/health/ready" -> s.ready();
          default -> true;
        };
    send(x, ok ? 200 : 503, "application/json", json(body(s)));
  }

  /** The JSON body of a health answer. */
  public static Map<String, Object> body(Health.Snapshot s) {
    Map<String, Object> components = new LinkedHashMap<>();
    s.components()
        .forEach(
            (name, r) ->
                components.put(
                    name, Map.of("state", r.state().name().toLowerCase(), "reason", r.reason())));
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("service", s.service());
    b.put("live", s.live());
    b.put("ready", s.ready());
    b.put("reason", s.reason());
    b.put("components", components);
    b.put("at", s.at().toString());
    return b;
  }

  private static void metrics(HttpExchange x, List<PrometheusRegistry> registries)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (PrometheusRegistry r : registries) {
      PrometheusTextFormatWriter.create().write(out, r.scrape());
    }
    send(x, 200, PrometheusTextFormatWriter.CONTENT_TYPE, out.toByteArray());
  }

  private static byte[] json(Object o) throws IOException {
    return JSON.writeValueAsBytes(o);
  }

  private static void send(HttpExchange x, int status, String type, byte[] body)
      throws IOException {
    x.getResponseHeaders().set("Content-Type", type);
    x.getResponseHeaders().set("Cache-Control", "no-store");
    boolean head = x.getRequestMethod().equals("HEAD");
    x.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
    if (!head && body.length > 0) {
      try (OutputStream o = x.getResponseBody()) {
        o.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
