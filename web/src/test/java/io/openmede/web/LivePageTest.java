package io.openmede.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.schemas.avro.Frame;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.avro.FrameEncoding;
import io.openmede.schemas.avro.LabelScore;
import io.openmede.schemas.avro.Recognition;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LivePageTest {
  private final LiveState state = new LiveState();
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private LivePage page;
  private int port;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    page = new LivePage(state, Optional.empty(), List.of(registry, new PrometheusRegistry()));
    port = page.start(0);
  }

  @AfterEach
  void stop() {
    page.close();
  }

  private HttpResponse<byte[]> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static Recognition recognition(String stream, String version, String label) {
    return Recognition.newBuilder()
        .setStreamId(stream)
        .setWindowStart(Instant.ofEpochMilli(1000))
        .setWindowEnd(Instant.ofEpochMilli(2000))
        .setFirstSequence(0)
        .setLastSequence(7)
        .setTop(List.of(new LabelScore(label, 0.75, 0.31)))
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
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> VocabularyWriter.checkLabel("  "))
        .hasMessageContaining("must not be empty");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> VocabularyWriter.checkLabel("a\u0007b"))
        .hasMessageContaining("control");
    assertThat(VocabularyWriter.checkLabel("  spinning   clockwise "))
        .isEqualTo("spinning clockwise");
  }
}
