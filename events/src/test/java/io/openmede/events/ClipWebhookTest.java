package io.openmede.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.openmede.events.clips.ClipService;
import io.openmede.events.clips.ClipSettings;
import io.openmede.schemas.avro.AlertRule;
import io.openmede.schemas.avro.ClipMade;
import io.openmede.schemas.avro.ClipStatus;
import io.openmede.schemas.avro.Event;
import io.openmede.schemas.avro.EventState;
import io.openmede.schemas.topic.RefusedRecords;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The second POST of a rule with a clip webhook, against a real HTTP receiver on this machine. */
class ClipWebhookTest {

  @Test
  void theClosedEventIsPostedWithItsClipLink_underItsOwnIdempotencyKey() throws Exception {
    List<String> received = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    server.createContext(
        "/hook",
        x -> {
          try (x) {
            received.add(
                x.getRequestHeaders().getFirst("Idempotency-Key")
                    + " "
                    + new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            x.sendResponseHeaders(204, -1);
          }
        });
    server.start();
    try (WebhookSink sink =
        new WebhookSink(
            List.of("127.0.0.1"),
            new WebhookSink.Policy(
                2, Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofSeconds(2)),
            RefusedRecords.NONE)) {
      Event closed =
          Event.newBuilder()
              .setEventId("falls/cam-1/16")
              .setRule("falls")
              .setStreamId("cam-1")
              .setLabel("falling")
              .setState(EventState.CLOSED)
              .setFirstSequence(16)
              .setLastSequence(39)
              .setStartedAt(Instant.ofEpochMilli(2000))
              .setEndedAt(Instant.ofEpochMilli(4875))
              .setWindows(3)
              .setPeakProbability(0.95)
              .setSnapshotSequence(35)
              .setEmittedAt(Instant.ofEpochMilli(9000))
              .build();
      ClipMade made =
          ClipMade.newBuilder()
              .setEventId("falls/cam-1/16")
              .setRule("falls")
              .setStreamId("cam-1")
              .setLabel("falling")
              .setStatus(ClipStatus.MADE)
              .setUri("clips:0123.mp4")
              .setSha256("ab")
              .setSizeBytes(9784)
              .setDurationMillis(3400)
              .setFrames(34)
              .setStartedAt(Instant.ofEpochMilli(2000))
              .setEndedAt(Instant.ofEpochMilli(4875))
              .setMadeAt(Instant.ofEpochMilli(9500))
              .build();
      ClipSettings settings = ClipSettings.defaults(Path.of("clips"));
      settings =
          new ClipSettings(
              true,
              settings.dir(),
              settings.group(),
              settings.preRoll(),
              settings.postRoll(),
              settings.maxLength(),
              settings.framesWait(),
              settings.maxBytes(),
              settings.retentionBytes(),
              settings.retentionAge(),
              Optional.of("http://page.example:8080"));
      AlertRule rule =
          AlertRule.newBuilder()
              .setName("falls")
              .setLabel("falling")
              .setMinProbability(0.5)
              .setWebhooks(List.of("http://127.0.0.1:" + server.getAddress().getPort() + "/hook"))
              .setClipWebhook(true)
              .setUpdatedAt(Instant.ofEpochMilli(1))
              .build();

      var out =
          sink.deliverClipAsync(
                  closed,
                  ClipService.json(made, settings),
                  rule,
                  new WebhookSink.SourceRecord("openmede.events", 0, 7, new byte[0], new byte[0]))
              .join();

      assertThat(out).singleElement().matches(WebhookSink.Outcome::delivered);
      assertThat(received)
          .singleElement()
          .asString()
          .startsWith("falls/cam-1/16#clip {")
          .contains("\"state\":\"CLOSED\"")
          .contains(
              "\"clip\":{\"status\":\"MADE\",\"url\":\"http://page.example:8080/api/clip-video?id=falls%2Fcam-1%2F16\"")
          .contains("\"sha256\":\"ab\"");
    } finally {
      server.stop(0);
    }
  }
}
