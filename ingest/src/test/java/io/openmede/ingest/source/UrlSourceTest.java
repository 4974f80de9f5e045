package io.openmede.ingest.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A progressive AVI stream over HTTP from a local server, with reconnection disabled. */
class UrlSourceTest extends FrameSourceContract {
  static HttpServer server;
  static String url;

  @BeforeAll
  static void serveClip() throws Exception {
    // AVI reads front to back, so a server without range requests can serve it.
    byte[] body = Files.readAllBytes(TestVideos.path(TestVideos.TEST_AVI));
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/clip.avi",
        exchange -> {
          exchange.getResponseHeaders().add("Content-Type", "video/x-msvideo");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    url = "http://127.0.0.1:" + server.getAddress().getPort() + "/clip.avi";
  }

  @AfterAll
  static void stopServer() {
    server.stop(0);
  }

  @Override
  protected FrameSource createSource() {
    return new UrlSource(
        url, SourceOptions.defaults(), Reconnect.never(), Duration.ofSeconds(5), false, Map.of());
  }

  @Override
  protected long expectedFrames() {
    return 164;
  }

  @Override
  protected boolean expectedLive() {
    return true;
  }

  @Test
  void open_unreachableUrl_namesTheUrl() {
    UrlSource source =
        new UrlSource(
            "rtsp://127.0.0.1:9/nothing-here",
            SourceOptions.defaults(),
            Reconnect.never(),
            Duration.ofSeconds(2),
            false,
            Map.of());
    assertThatThrownBy(source::next)
        .isInstanceOf(SourceException.class)
        .hasMessageContaining("rtsp://127.0.0.1:9/nothing-here");
    source.close();
  }

  @Test
  void next_unreachableUrl_givesUpAfterMaxAttempts_withBackoff() {
    UrlSource source =
        new UrlSource(
            "http://127.0.0.1:9/nothing-here.ts",
            SourceOptions.defaults(),
            new Reconnect(Duration.ofMillis(20), Duration.ofMillis(40), OptionalInt.of(3)),
            Duration.ofSeconds(2),
            false,
            Map.of());
    long start = System.nanoTime();
    assertThatThrownBy(source::next)
        .isInstanceOf(SourceException.class)
        .hasMessageContaining(
            "gave up on http://127.0.0.1:9/nothing-here.ts after 4 failed attempts");
    // waits 20 + 40 + 40 ms between the four attempts
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(100));
    source.close();
  }

  @Test
  void reconnect_delays_doubleUpToTheCap() {
    Reconnect r = new Reconnect(Duration.ofMillis(500), Duration.ofSeconds(3), OptionalInt.empty());
    assertThat(r.delayAfter(1)).isEqualTo(Duration.ofMillis(500));
    assertThat(r.delayAfter(2)).isEqualTo(Duration.ofMillis(1000));
    assertThat(r.delayAfter(3)).isEqualTo(Duration.ofMillis(2000));
    assertThat(r.delayAfter(4)).isEqualTo(Duration.ofSeconds(3));
    assertThat(r.delayAfter(60)).isEqualTo(Duration.ofSeconds(3));
  }
}
