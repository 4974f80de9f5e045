package io.openmede.events.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.openmede.embedded.EmbeddedPlatform;
import io.openmede.events.EventsService;
import io.openmede.events.EventsSettings;
import io.openmede.schemas.avro.AlertRule;
import io.openmede.schemas.avro.Event;
import io.openmede.schemas.avro.EventState;
import io.openmede.schemas.avro.LabelScore;
import io.openmede.schemas.avro.Recognition;
import io.openmede.schemas.topic.Cluster;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The events service on the embedded broker and registry: recognitions as a recognizer writes them,
 * a rule with a webhook to a receiver in this test; one POST per episode state, events exactly once
 * on the topic, across a restart of the service; a bad rule record is refused.
 */
class EventsIT {
  static EmbeddedPlatform platform;
  static Cluster cluster;
  static HttpServer receiver;
  static final List<String> posts = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    platform = EmbeddedPlatform.startTemporary();
    cluster = Cluster.local(platform.bootstrapServers(), platform.registryUrl());
    cluster.ensureTopics();
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    receiver.createContext(
        "/hook",
        x -> {
          try (x) {
            x.getRequestBody().readAllBytes();
            posts.add(x.getRequestHeaders().getFirst("Idempotency-Key"));
            x.sendResponseHeaders(204, -1);
          }
        });
    receiver.start();
  }

  @AfterAll
  static void stop() {
    if (receiver != null) {
      receiver.stop(0);
    }
    if (platform != null) {
      platform.close();
    }
  }

  static EventsSettings settings(Path dir) {
    return new EventsSettings(
        "it-events",
        dir,
        Duration.ofMillis(100),
        0,
        List.of("127.0.0.1"),
        3,
        Duration.ofSeconds(2));
  }

  static final Map<String, Object> QUICK =
      Map.of("consumer.session.timeout.ms", 6000, "consumer.heartbeat.interval.ms", 1000);

  static void sendRecognitions(String stream, int from, double... probabilities) throws Exception {
    try (KafkaProducer<String, Recognition> p =
        new KafkaProducer<>(
            cluster.producerConfig("it-recognizer"),
            new StringSerializer(),
            cluster.topics().recognitions().valueSerde().serializer())) {
      for (int i = 0; i < probabilities.length; i++) {
        int w = from + i;
        p.send(
            new ProducerRecord<>(
                cluster.topics().recognitions().name(),
                stream,
                Recognition.newBuilder()
                    .setStreamId(stream)
                    .setFirstSequence(8L * w)
                    .setLastSequence(8L * w + 7)
                    .setWindowStart(Instant.ofEpochMilli(1000L * w))
                    .setWindowEnd(Instant.ofEpochMilli(1000L * w + 875))
                    .setTop(List.of(new LabelScore("falling", probabilities[i], 0.3)))
                    .setModelVersion("m")
                    .setVocabularyVersion(1)
                    .setProcessingLatencyMs(5)
                    .setRecognizedAt(Instant.now())
                    .build()));
      }
      p.flush();
    }
  }

  static List<Event> committedEvents(Duration wait) {
    Map<String, Object> cc = cluster.consumerConfig("it-events-reader");
    cc.remove("group.id");
    cc.put("isolation.level", "read_committed");
    List<Event> out = new ArrayList<>();
    try (KafkaConsumer<String, Event> c =
        new KafkaConsumer<>(
            cc, new StringDeserializer(), cluster.topics().events().valueSerde().deserializer())) {
      String topic = cluster.topics().events().name();
      List<TopicPartition> parts =
          c.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      long end = System.nanoTime() + wait.toNanos();
      while (System.nanoTime() < end) {
        c.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
      }
    }
    return out;
  }

  static void await(Supplier<Boolean> condition, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.get() && System.nanoTime() < end) {
      Thread.sleep(100);
    }
  }

  @Test
  void episodesReachTheTopicOnceAndTheWebhookOncePerState_acrossARestart(@TempDir Path dir)
      throws Exception {
    String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    try (KafkaProducer<String, AlertRule> p =
            new KafkaProducer<>(
                cluster.producerConfig("it-alert"),
                new StringSerializer(),
                cluster.topics().rules().valueSerde().serializer());
        KafkaProducer<byte[], byte[]> raw =
            new KafkaProducer<>(
                cluster.producerConfig("it-raw"),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
      raw.send(
              new ProducerRecord<>(
                  cluster.topics().rules().name(),
                  "junk".getBytes(StandardCharsets.UTF_8),
                  new byte[] {1, 2}))
          .get();
      p.send(
              new ProducerRecord<>(
                  cluster.topics().rules().name(),
                  "falls",
                  AlertRule.newBuilder()
                      .setName("falls")
                      .setLabel("falling")
                      .setMinProbability(0.6)
                      .setMinWindows(2)
                      .setWebhooks(List.of(hook))
                      .setUpdatedAt(Instant.now())
                      .build()))
          .get();
    }
    try (EventsService service = EventsService.start(cluster, settings(dir), QUICK)) {
      assertThat(service.awaitRunning(Duration.ofSeconds(60))).isTrue();
      Thread.sleep(1000); // the global store has the rule
      sendRecognitions("cam-1", 0, 0.9, 0.9, 0.9, 0.1);
      await(() -> posts.size() >= 2, Duration.ofSeconds(60));
      assertThat(posts).containsExactly("falls/cam-1/0/OPENED", "falls/cam-1/0/CLOSED");
      assertThat(service.metrics().rulesRefused.labelValues("value").get()).isEqualTo(1.0);
      assertThat(service.health().live()).isTrue();
    }
    // a restart: the episode state and the delivered offsets survive; nothing is repeated
    try (EventsService service = EventsService.start(cluster, settings(dir), QUICK)) {
      assertThat(service.awaitRunning(Duration.ofSeconds(60))).isTrue();
      sendRecognitions("cam-1", 4, 0.1, 0.9, 0.9, 0.2);
      await(() -> posts.size() >= 4, Duration.ofSeconds(60));
      Thread.sleep(1500); // any repeat would arrive now
    }
    assertThat(posts)
        .containsExactly(
            "falls/cam-1/0/OPENED",
            "falls/cam-1/0/CLOSED",
            "falls/cam-1/40/OPENED",
            "falls/cam-1/40/CLOSED");
    List<Event> events = committedEvents(Duration.ofSeconds(3));
    assertThat(events)
        .extracting(e -> e.getEventId() + " " + e.getState())
        .containsExactly(
            "falls/cam-1/0 " + EventState.OPENED,
            "falls/cam-1/0 " + EventState.CLOSED,
            "falls/cam-1/40 " + EventState.OPENED,
            "falls/cam-1/40 " + EventState.CLOSED);
  }
}
