package io.openmede.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BoundedHttpServerTest {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<Socket> slow = new ArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void closeClients() throws IOException {
    release.countDown();
    for (Socket s : slow) {
      s.close();
    }
  }

  private BoundedHttpServer serve(HttpLimits limits) throws IOException {
    return BoundedHttpServer.start(
        "test",
        "127.0.0.1",
        0,
        limits,
        p -> p.startsWith("/health"),
        x -> {
          if (x.getRequestURI().getPath().equals("/slow")) {
            try {
              release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          byte[] body = x.getRequestBody().readAllBytes();
          byte[] answer =
              (x.getRequestURI().getPath() + " " + body.length).getBytes(StandardCharsets.UTF_8);
          x.sendResponseHeaders(200, answer.length);
          x.getResponseBody().write(answer);
          x.close();
        });
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Opens connections that send half a request head and then nothing. */
  private void holdConnections(int port, int count) throws IOException {
    for (int i = 0; i < count; i++) {
      Socket s = new Socket();
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      s.getOutputStream().write("GET /health/live HTTP/1.1\r\nHo".getBytes(StandardCharsets.UTF_8));
      slow.add(s);
    }
  }

  @Test
  void slowClientsHoldingMoreConnectionsThanTheLimit_healthStillAnswersWithinASecond()
      throws Exception {
    HttpLimits limits = HttpLimits.DEFAULT.withConnections(16, 2);
    try (BoundedHttpServer server = serve(limits)) {
      holdConnections(server.port(), 3 * limits.maxConnections());
      for (int i = 0; i < 5; i++) {
        long start = System.nanoTime();
        HttpResponse<String> r = get(server.port(), "/health/live");
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(ms)
            .as("ms for /health/live under %d idle connections", slow.size())
            .isLessThan(1000);
        assertThat(get(server.port(), "/metrics").body()).isEqualTo("/metrics 0");
      }
      assertThat(server.stats().evicted()).isGreaterThanOrEqualTo(2L * limits.maxConnections());
      assertThat(server.stats().open()).isLessThanOrEqualTo(limits.maxConnections());
    }
  }

  @Test
  void aClientThatSendsNothing_isCutOffAfterTheHeaderTimeout() throws Exception {
    HttpLimits limits =
        HttpLimits.DEFAULT.withTimeouts(Duration.ofMillis(300), Duration.ofSeconds(5));
    try (BoundedHttpServer server = serve(limits)) {
      Socket s = new Socket("127.0.0.1", server.port());
      slow.add(s);
      s.getOutputStream().write("GET / HT".getBytes(StandardCharsets.UTF_8));
      s.setSoTimeout(5000);
      long start = System.nanoTime();
      assertThat(s.getInputStream().read()).isEqualTo(-1);
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertThat(ms).isBetween(200L, 3000L);
      assertThat(server.stats().timedOut()).isEqualTo(1);
    }
  }

  @Test
  void whenEveryWorkerIsBusy_healthAnswersAndOthersAre503AfterTheQueueWait() throws Exception {
    HttpLimits limits =
        new HttpLimits(
            Duration.ofSeconds(5),
            Duration.ofSeconds(30),
            16,
            2,
            Duration.ofMillis(200),
            16_384,
            1024);
    try (BoundedHttpServer server = serve(limits)) {
      AtomicInteger answered = new AtomicInteger();
      List<Thread> busy = new ArrayList<>();
      for (int i = 0; i < limits.workers(); i++) {
        Thread t =
            new Thread(
                () -> {
                  try {
                    if (get(server.port(), "/slow").statusCode() == 200) {
                      answered.incrementAndGet();
                    }
                  } catch (Exception e) {
                    // counted as not answered
                  }
                });
        t.start();
        busy.add(t);
      }
      Thread.sleep(300);
      long start = System.nanoTime();
      assertThat(get(server.port(), "/health/ready").statusCode()).isEqualTo(200);
      assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1000);
      HttpResponse<String> refused = get(server.port(), "/metrics");
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(refused.body()).contains("busy");
      release.countDown();
      for (Thread t : busy) {
        t.join(5000);
      }
      assertThat(answered.get()).isEqualTo(limits.workers());
      assertThat(get(server.port(), "/metrics").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aBadTargetOrHead_isA400AndTheServerGoesOn() throws Exception {
    try (BoundedHttpServer server = serve(HttpLimits.DEFAULT)) {
      assertThat(raw(server.port(), "GET /?token=% HTTP/1.1\r\nHost: x\r\n\r\n"))
          .startsWith("HTTP/1.1 400")
          .contains("%25");
      assertThat(raw(server.port(), "NONSENSE\r\n\r\n")).startsWith("HTTP/1.1 400");
      assertThat(raw(server.port(), "GET / HTTP/1.1\r\n" + "X: y\r\n".repeat(5000) + "\r\n"))
          .startsWith("HTTP/1.1 431");
      assertThat(
              raw(
                  server.port(),
                  "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"))
          .startsWith("HTTP/1.1 411");
      assertThat(get(server.port(), "/health/live").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aBodyIsReadWithinItsLimit() throws Exception {
    HttpLimits limits =
        new HttpLimits(
            Duration.ofSeconds(5),
            Duration.ofSeconds(30),
            16,
            2,
            Duration.ofSeconds(1),
            16_384,
            4096);
    try (BoundedHttpServer server = serve(limits)) {
      HttpResponse<String> ok =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/post"))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[4096]))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(ok.body()).isEqualTo("/post 4096");
      assertThat(
              raw(server.port(), "POST /post HTTP/1.1\r\nHost: x\r\nContent-Length: 4097\r\n\r\n"))
          .startsWith("HTTP/1.1 413");
      assertThat(
              raw(
                  server.port(),
                  "POST /post HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc"))
          .startsWith("HTTP/1.1 100 Continue")
          .contains("/post 3");
    }
  }

  @Test
  void aHandlerThatThrows_isA500AndTheServerGoesOn() throws Exception {
    try (BoundedHttpServer server =
        BoundedHttpServer.start(
            "test",
            "127.0.0.1",
            0,
            HttpLimits.DEFAULT,
            p -> false,
            x -> {
              throw new IllegalStateException("broken");
            })) {
      assertThat(get(server.port(), "/x?token=secret").statusCode()).isEqualTo(500);
      assertThat(get(server.port(), "/x").statusCode()).isEqualTo(500);
    }
  }

  private static String raw(int port, String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      try {
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      } catch (IOException e) {
        // the server may answer and close before it read everything
      }
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (java.net.SocketException e) {
      return "reset: " + e.getMessage();
    }
  }
}
