package io.openmede.platform.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ServiceEndpointTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void answersLiveAndReadyFromTheProbesAndServesMetrics() throws Exception {
    AtomicReference<Health.Report> core =
        new AtomicReference<>(Health.Report.notReady("loading the model"));
    Health health = new Health("svc").register("core", core::get);
    PrometheusRegistry registry = new PrometheusRegistry();
    Counter.builder().name("things_total").help("things").register(registry).inc();
    try (ServiceEndpoint e = ServiceEndpoint.start("127.0.0.1", 0, health, List.of(registry))) {
      assertThat(get(e.port(), "/health/live").statusCode()).isEqualTo(200);
      HttpResponse<String> notReady = get(e.port(), "/health/ready");
      assertThat(notReady.statusCode()).isEqualTo(503);
      assertThat(notReady.body()).contains("loading the model");

      core.set(Health.Report.ready());
      assertThat(get(e.port(), "/health/ready").statusCode()).isEqualTo(200);
      assertThat(get(e.port(), "/metrics").body()).contains("things_total 1.0");

      core.set(Health.Report.dead("streams client is ERROR"));
      HttpResponse<String> dead = get(e.port(), "/health/live");
      assertThat(dead.statusCode()).isEqualTo(503);
      assertThat(dead.body()).contains("streams client is ERROR");
      // death is latched: the core does not come back in the same process
      core.set(Health.Report.ready());
      assertThat(get(e.port(), "/health/live").statusCode()).isEqualTo(503);
      assertThat(get(e.port(), "/health/ready").statusCode()).isEqualTo(503);
      assertThat(get(e.port(), "/nope").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void slowClientsHoldingManyConnections_liveAndMetricsStillAnswerWithinASecond() throws Exception {
    Health health = new Health("svc").register("core", Health.Report::ready);
    List<java.net.Socket> slow = new java.util.ArrayList<>();
    try (ServiceEndpoint e =
        ServiceEndpoint.start("127.0.0.1", 0, health, List.of(new PrometheusRegistry()))) {
      for (int i = 0; i < 3 * io.openmede.platform.http.HttpLimits.DEFAULT.maxConnections(); i++) {
        java.net.Socket s = new java.net.Socket("127.0.0.1", e.port());
        s.getOutputStream().write("GET /health/live HTTP/1.1\r\n".getBytes());
        slow.add(s);
      }
      for (String path : List.of("/health/live", "/metrics", "/health/ready")) {
        long start = System.nanoTime();
        assertThat(get(e.port(), path).statusCode()).isEqualTo(200);
        assertThat((System.nanoTime() - start) / 1_000_000).as(path).isLessThan(1000);
      }
    } finally {
      for (java.net.Socket s : slow) {
        s.close();
      }
    }
  }

  @Test
  void deathListenersRunOnceWithTheComponentAndReason() {
    Health health = new Health("svc").register("a", Health.Report::ready);
    AtomicReference<String> why = new AtomicReference<>();
    java.util.concurrent.atomic.AtomicInteger calls =
        new java.util.concurrent.atomic.AtomicInteger();
    health.onDeath(
        r -> {
          why.set(r);
          calls.incrementAndGet();
        });
    assertThat(health.live()).isTrue();
    health.fail("follower", "thread stopped");
    health.fail("other", "again");
    assertThat(calls.get()).isEqualTo(1);
    assertThat(why.get()).isEqualTo("follower: thread stopped");
    assertThat(health.live()).isFalse();
    AtomicReference<String> late = new AtomicReference<>();
    health.onDeath(late::set);
    assertThat(late.get()).isEqualTo("follower: thread stopped");
  }

  @Test
  void aWholeIsDeadWhenAPartDiesAndNamesThePart() {
    Health recognizer = new Health("recognizer").register("streams", Health.Report::ready);
    Health demo = new Health("demo").include(recognizer);
    AtomicReference<String> why = new AtomicReference<>();
    demo.onDeath(why::set);
    assertThat(demo.ready()).isTrue();
    recognizer.fail("streams", "ERROR");
    assertThat(demo.live()).isFalse();
    assertThat(why.get()).startsWith("recognizer");
  }

  @Test
  void watchNoticesADeadProbeWithoutBeingAsked() throws Exception {
    AtomicReference<Health.Report> core = new AtomicReference<>(Health.Report.ready());
    Health health = new Health("svc").register("core", core::get);
    java.util.concurrent.CountDownLatch died = new java.util.concurrent.CountDownLatch(1);
    health.onDeath(r -> died.countDown());
    try (AutoCloseable w = health.watch(java.time.Duration.ofMillis(20))) {
      core.set(Health.Report.dead("gone"));
      assertThat(died.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }
  }
}
