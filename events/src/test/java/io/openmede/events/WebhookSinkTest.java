package io.openmede.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.openmede.schemas.avro.AlertRule;
import io.openmede.schemas.avro.Event;
import io.openmede.schemas.avro.EventState;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The webhook sink against a real HTTP receiver on this machine. */
class WebhookSinkTest {

  HttpServer server;
  final List<String> received = new CopyOnWriteArrayList<>();
  final AtomicInteger failuresLeft = new AtomicInteger();
  volatile int failWith = 500;
  final List<String> letters = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    server.createContext(
        "/hook",
        x -> {
          try (x) {
            String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (failuresLeft.getAndDecrement() > 0) {
              x.sendResponseHeaders(failWith, -1);
              return;
            }
            received.add(
                x.getRequestHeaders().getFirst("Idempotency-Key")
                    + " "
                    + x.getRequestHeaders().getFirst("Content-Type")
                    + " "
                    + body);
            x.sendResponseHeaders(204, -1);
          }
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  WebhookSink sink(List<String> hosts) {
    return new WebhookSink(
        hosts,
        new WebhookSink.Policy(
            3, Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofSeconds(2)),
        (topic, partition, offset, key, value, reason, why) ->
            letters.add(topic + "@" + offset + " " + reason + ": " + why));
  }

  static Event event() {
    return Event.newBuilder()
        .setEventId("falls/cam-1/16")
        .setRule("falls")
        .setStreamId("cam-1")
        .setLabel("falling")
        .setState(EventState.OPENED)
        .setFirstSequence(16)
        .setLastSequence(39)
        .setStartedAt(Instant.ofEpochMilli(2000))
        .setEndedAt(Instant.ofEpochMilli(4875))
        .setWindows(3)
        .setPeakProbability(0.95)
        .setSnapshotSequence(35)
        .setEmittedAt(Instant.ofEpochMilli(9000))
        .build();
  }

  Optional<AlertRule> rule(String name, List<String> hooks) {
    return Optional.of(
        AlertRule.newBuilder()
            .setName(name)
            .setLabel("falling")
            .setMinProbability(0.5)
            .setWebhooks(hooks)
            .setUpdatedAt(Instant.ofEpochMilli(1))
            .build());
  }

  static final WebhookSink.SourceRecord SOURCE =
      new WebhookSink.SourceRecord("openmede.events", 0, 41, new byte[0], new byte[] {1});

  @Test
  void anEventIsPostedAsJsonWithItsIdempotencyKey_afterRetryingServerErrors() {
    failuresLeft.set(2);
    List<WebhookSink.Outcome> out =
        sink(List.of("127.0.0.1")).deliver(event(), n -> rule(n, List.of(url())), SOURCE);
    assertThat(out).hasSize(1);
    assertThat(out.get(0).delivered()).isTrue();
    assertThat(out.get(0).attempts()).isEqualTo(3);
    assertThat(received).hasSize(1);
    assertThat(received.get(0))
        .startsWith("falls/cam-1/16 application/json {")
        .contains("\"eventId\":\"falls/cam-1/16\"")
        .contains("\"state\":\"OPENED\"")
        .contains("\"snapshotSequence\":35")
        .contains("\"peakProbability\":0.95");
    assertThat(letters).isEmpty();
  }

  @Test
  void afterTheLastTryTheEventIsDeadLetteredWithTheReason() {
    failuresLeft.set(100);
    List<WebhookSink.Outcome> out =
        sink(List.of("127.0.0.1")).deliver(event(), n -> rule(n, List.of(url())), SOURCE);
    assertThat(out.get(0).delivered()).isFalse();
    assertThat(out.get(0).attempts()).isEqualTo(3);
    assertThat(letters)
        .singleElement()
        .asString()
        .startsWith("openmede.events@41 webhook: ")
        .contains("HTTP 500");
  }

  @Test
  void aReceiverThatRefusesIsNotAskedAgain() {
    failuresLeft.set(100);
    failWith = 400;
    List<WebhookSink.Outcome> out =
        sink(List.of("127.0.0.1")).deliver(event(), n -> rule(n, List.of(url())), SOURCE);
    assertThat(out.get(0).attempts()).isEqualTo(1);
    assertThat(letters).singleElement().asString().contains("HTTP 400");
  }

  @Test
  void aHostOutsideTheAllowedListIsNeverContacted() {
    List<WebhookSink.Outcome> out =
        sink(List.of("hooks.example.com")).deliver(event(), n -> rule(n, List.of(url())), SOURCE);
    assertThat(out.get(0).delivered()).isFalse();
    assertThat(out.get(0).attempts()).isZero();
    assertThat(received).isEmpty();
    assertThat(letters).singleElement().asString().contains("not in events.webhook.allowed-hosts");
  }

  @Test
  void anyHostByName_stillNeverReachesALoopbackAddressNotNamed_andReasonsHideThePath() {
    List<WebhookSink.Outcome> out =
        sink(List.of("*"))
            .deliver(event(), n -> rule(n, List.of(url() + "/s3cret?token=abc")), SOURCE);
    assertThat(out.get(0).delivered()).isFalse();
    assertThat(received).isEmpty();
    assertThat(letters)
        .singleElement()
        .asString()
        .contains("resolves to 127.0.0.1, a loopback address")
        .contains("http://127.0.0.1:" + server.getAddress().getPort() + "/\u2026")
        .doesNotContain("s3cret")
        .doesNotContain("token");
  }

  @Test
  void aPortOutsideTheAllowedPorts_isNeverContacted() {
    WebhookSink sink =
        new WebhookSink(
            new io.openmede.events.rules.WebhookAddresses(List.of("127.0.0.1"), List.of(443)),
            new WebhookSink.Policy(
                3, Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofSeconds(2)),
            (topic, partition, offset, key, value, reason, why) -> letters.add(why));
    assertThat(sink.deliver(event(), n -> rule(n, List.of(url())), SOURCE).get(0).delivered())
        .isFalse();
    assertThat(received).isEmpty();
    assertThat(letters).singleElement().asString().contains("events.webhook.allowed-ports");
  }

  @Test
  void anEpisodeIsPostedOnceWhenItOpens_notWhenItCloses() {
    Event closed = event();
    closed.setState(EventState.CLOSED);
    assertThat(sink(List.of("*")).deliver(closed, n -> rule(n, List.of(url())), SOURCE)).isEmpty();
    assertThat(received).isEmpty();
  }

  @Test
  void aRuleWithoutWebhooksOrGoneDeliversNothing() {
    assertThat(sink(List.of("*")).deliver(event(), n -> rule(n, List.of()), SOURCE)).isEmpty();
    assertThat(sink(List.of("*")).deliver(event(), n -> Optional.empty(), SOURCE)).isEmpty();
    assertThat(received).isEmpty();
  }
}
