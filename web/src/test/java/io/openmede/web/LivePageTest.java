package io.openmede.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.platform.health.Health;
import io.openmede.schemas.avro.Frame;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.avro.FrameEncoding;
import io.openmede.schemas.avro.LabelScore;
import io.openmede.schemas.avro.Recognition;
import io.openmede.schemas.values.Labels;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LivePageTest {
  private static final String TOKEN = "test-token-0123456789";
  private final LiveState state = new LiveState();
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private LivePage page;
  private int port;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    page =
        new LivePage(
            state,
            LivePage.Writers.none(),
            List.of(registry, new PrometheusRegistry()),
            WebSettings.withToken(TOKEN),
            new Health("page").register("core", Health.Report::ready));
    port = page.start(0);
  }

  @AfterEach
  void stop() {
    page.close();
  }

  private HttpResponse<byte[]> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("X-Openmede-Token", TOKEN)
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static Recognition recognition(String stream, String version, String label) {
    return Recognition.newBuilder()
        .setStreamId(stream)
        .setWindowStart(Instant.ofEpochMilli(1000))
        .setWindowEnd(Instant.ofEpochMilli(2000))
        .setFirstSequence(0)
        .setLastSequence(7)
        .setTop(List.of(new LabelScore(label, 0.75, 0.31, null)))
        .setModelVersion(version)
        .setVocabularyVersion(3)
        .setProcessingLatencyMs(12.5)
        .setRecognizedAt(Instant.ofEpochMilli(2100))
        .build();
  }

  @Test
  void state_showsLatestRecognitionPerStreamAndSwaps() throws Exception {
    state.onRecognition(recognition("cam-1", "v1", "moving left"));
    state.onRecognition(recognition("cam-1", "v2", "growing"));
    String json = new String(get("/api/state").body());
    assertThat(json)
        .contains("\"streamId\":\"cam-1\"")
        .contains("growing")
        .doesNotContain("moving left")
        .contains("\"fromVersion\":\"v1\"")
        .contains("\"toVersion\":\"v2\"")
        .contains("\"recognitions\":2");
  }

  @Test
  void state_saysWhenNothingIsRecognized_withTheCalibratedScores() throws Exception {
    Recognition r = recognition("cam-3", "v2", "waving");
    r.getTop().get(0).setCalibrated(0.21);
    r.setUnknown(true);
    r.setOpenSetScore("energy");
    state.onRecognition(r);
    state.onRecognition(recognition("cam-4", "v1", "jumping"));
    String json = new String(get("/api/state").body());
    assertThat(json)
        .contains("\"calibrated\":0.21")
        .contains("\"unknown\":true")
        .contains("\"openSetScore\":\"energy\"")
        .contains("\"calibrated\":null")
        .contains("\"unknown\":false");
  }

  @Test
  void state_listsARulesMinScoreAndClipWebhook_butNotItsUrls() throws Exception {
    state.onRule(
        "falls",
        io.openmede.schemas.avro.AlertRule.newBuilder()
            .setName("falls")
            .setLabel("falling")
            .setMinProbability(0.5)
            .setMinScore(0.6)
            .setWebhooks(List.of("https://hooks.example/falls"))
            .setClipWebhook(true)
            .setUpdatedAt(Instant.EPOCH)
            .build());
    assertThat(new String(get("/api/state").body()))
        .contains("\"minScore\":0.6")
        .contains("\"webhooks\":1,\"clipWebhook\":true")
        .doesNotContain("hooks.example");
  }

  @Test
  void frame_servesTheLastJpegOfTheLastBatch() throws Exception {
    byte[] first = {1, 2, 3};
    byte[] last = {(byte) 0xFF, (byte) 0xD8, 9};
    state.onFrames(
        FrameBatch.newBuilder()
            .setStreamId("cam-2")
            .setBatchSequence(0)
            .setWidth(32)
            .setHeight(32)
            .setEncoding(FrameEncoding.JPEG)
            .setFrames(
                List.of(
                    new Frame(0L, Instant.ofEpochMilli(0), ByteBuffer.wrap(first)),
                    new Frame(1L, Instant.ofEpochMilli(40), ByteBuffer.wrap(last))))
            .build());
    HttpResponse<byte[]> r = get("/api/frame?stream=cam-2");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains("image/jpeg");
    assertThat(r.body()).containsExactly(last);
    assertThat(get("/api/frame?stream=nope").statusCode()).isEqualTo(404);
  }

  @Test
  void vocabulary_onReadOnlyPage_isRefusedWithReason() throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/vocabulary"))
                .header("X-Openmede-Token", TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"label\":\"x\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.body()).contains("read-only");
  }

  @Test
  void metrics_exposesTheRegistryInPrometheusText() throws Exception {
    Counter.builder().name("openmede_test_events").help("test").register(registry).inc(3);
    String text = new String(get("/metrics").body());
    assertThat(text).contains("openmede_test_events_total 3.0");
  }

  @Test
  void page_andScriptAreServed() throws Exception {
    assertThat(new String(get("/").body())).contains("<title>openmede");
    assertThat(new String(get("/app.js").body())).contains("/api/state");
    assertThat(get("/nope").statusCode()).isEqualTo(404);
  }

  @Test
  void checkLabel_refusesBlankAndControlCharacters() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Labels.clean("  "))
        .hasMessageContaining("must not be empty");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Labels.clean("a\u0007b"))
        .hasMessageContaining("control");
    assertThat(Labels.clean("  spinning   clockwise ")).isEqualTo("spinning clockwise");
  }

  private HttpResponse<String> post(String origin, String type, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/vocabulary"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"label\":\"x\"}"));
    if (origin != null) {
      b.header("Origin", origin);
    }
    if (type != null) {
      b.header("Content-Type", type);
    }
    if (token != null) {
      b.header("X-Openmede-Token", token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void slowClientsHoldingManyConnections_healthAndThePageStillAnswerWithinASecond()
      throws Exception {
    List<java.net.Socket> slow = new java.util.ArrayList<>();
    try {
      // three times as many connections as the port keeps, each with half a request head
      for (int i = 0; i < 3 * io.openmede.platform.http.HttpLimits.DEFAULT.maxConnections(); i++) {
        java.net.Socket s = new java.net.Socket("127.0.0.1", port);
        s.getOutputStream().write("GET /api/state HTTP/1.1\r\nHost: 127".getBytes());
        slow.add(s);
      }
      for (String path : List.of("/health/live", "/api/state", "/health/live")) {
        long start = System.nanoTime();
        assertThat(get(path).statusCode()).isEqualTo(200);
        assertThat((System.nanoTime() - start) / 1_000_000).as(path).isLessThan(1000);
      }
    } finally {
      for (java.net.Socket s : slow) {
        s.close();
      }
    }
  }

  @Test
  void aMalformedTokenEscape_isA400WithoutAStackTrace_andNoFailureLogsTheToken() throws Exception {
    ch.qos.logback.classic.Logger root =
        (ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
        new ch.qos.logback.core.read.ListAppender<>();
    logged.start();
    root.addAppender(logged);
    try {
      for (String path : List.of("/?token=%", "/api/state?token=%", "/api/state?token=%zz")) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
          s.getOutputStream()
              .write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes());
          String answer = new String(s.getInputStream().readAllBytes());
          assertThat(answer).startsWith("HTTP/1.1 400");
        }
      }
      // a token the page cannot decode is no token: 401, not a failure
      HttpResponse<byte[]> r =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + port + "/api/state?token=%25E0%25A4%25A"))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(get("/api/frame?stream=nope&token=" + TOKEN).statusCode()).isEqualTo(404);
      assertThat(logged.list).noneMatch(e -> e.getThrowableProxy() != null);
      assertThat(logged.list).noneMatch(e -> e.getFormattedMessage().contains(TOKEN));
    } finally {
      root.detachAppender(logged);
    }
  }

  @Test
  void aHugeBody_isRefusedBeforeItIsRead_andThePageAnswersOn() throws Exception {
    HttpResponse<String> big =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/feedback"))
                .header("Content-Type", "application/json")
                .header("X-Openmede-Token", TOKEN)
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"label\":\"" + "x".repeat(LivePage.MAX_BODY_BYTES) + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(big.body()).contains("over " + LivePage.MAX_BODY_BYTES + " bytes");
    assertThat(get("/api/state").statusCode()).isEqualTo(200);
  }

  @Test
  void feedbackApi_needsTheToken_andARefusalSaysWhy() throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/feedback"))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"stream\":\"cam-1\",\"firstSequence\":0,\"lastSequence\":7,"
                        + "\"label\":\"waving\",\"verdict\":\"correct\"}"));
    assertThat(http.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(401);
    HttpResponse<String> readOnly =
        http.send(
            b.header("X-Openmede-Token", TOKEN).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(readOnly.statusCode()).isEqualTo(405);
    assertThat(readOnly.body()).contains("without a feedback writer");
  }

  @Test
  void writeApi_needsTheToken_thePagesOrigin_andJson() throws Exception {
    String own = "http://127.0.0.1:" + port;
    assertThat(post(own, "application/json", null).statusCode()).isEqualTo(401);
    assertThat(post(own, "application/json", "wrong-token-0123456789").statusCode()).isEqualTo(401);
    HttpResponse<String> foreign = post("http://evil.example", "application/json", TOKEN);
    assertThat(foreign.statusCode()).isEqualTo(403);
    assertThat(foreign.body()).contains("evil.example");
    assertThat(post(own, "text/plain", TOKEN).statusCode()).isEqualTo(415);
    assertThat(post(own, null, TOKEN).statusCode()).isEqualTo(415);
    // past every check, the read-only page answers for itself
    assertThat(post(own, "application/json; charset=utf-8", TOKEN).statusCode()).isEqualTo(405);
    assertThat(post(null, "application/json", TOKEN).statusCode()).isEqualTo(405);
  }

  @Test
  void reads_needTheTokenByDefault_butThePageAndHealthDoNot() throws Exception {
    HttpResponse<String> state =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/state")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(state.statusCode()).isEqualTo(401);
    HttpResponse<String> withQuery =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/state?token=" + TOKEN))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(withQuery.statusCode()).isEqualTo(200);
    HttpResponse<String> index =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(index.statusCode()).isEqualTo(200);
    HttpResponse<String> live =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/live")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.body()).contains("\"live\":true");
    assertThat(page.url()).endsWith(":" + port + "/?token=" + TOKEN);
  }

  @Test
  void aRequestNamingAnotherHost_isRefused_soDnsRebindingCannotReachIt() throws Exception {
    for (String host : List.of("attacker.example:" + port, "127.0.0.1:" + (port + 1))) {
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
        s.getOutputStream()
            .write(
                ("GET /api/state?token="
                        + TOKEN
                        + " HTTP/1.1\r\nHost: "
                        + host
                        + "\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String answer =
            new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(answer).as(host).startsWith("HTTP/1.1 403");
      }
    }
  }
}
