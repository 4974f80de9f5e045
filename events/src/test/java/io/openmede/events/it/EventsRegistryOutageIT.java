package io.openmede.events.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.embedded.EmbeddedPlatform;
import io.openmede.embedded.EmbeddedSchemaRegistry;
import io.openmede.embedded.LoopbackPorts;
import io.openmede.events.EventsService;
import io.openmede.events.EventsSettings;
import io.openmede.schemas.avro.AlertRule;
import io.openmede.schemas.avro.DeadLetter;
import io.openmede.schemas.avro.Event;
import io.openmede.schemas.avro.LabelScore;
import io.openmede.schemas.avro.Recognition;
import io.openmede.schemas.topic.Cluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The events service across a schema registry outage: the registry is stopped while the service is
 * down, recognitions keep coming (their writer has the schema id cached), and a fresh service (a
 * new registry client, nothing cached) starts while the registry is away. It says why it is not
 * ready, dead-letters nothing, and once the registry is back every recognition counts once: each
 * episode is on the events topic exactly once.
 */
class EventsRegistryOutageIT {
  static EmbeddedPlatform platform;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    platform = EmbeddedPlatform.startTemporary();
  }

  @AfterAll
  static void stop() {
    if (platform != null) {
      platform.close();
    }
  }

  private HttpResponse<String> get(int port, String path) {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
              .timeout(Duration.ofSeconds(2))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      return null;
    }
  }

  static Recognition window(String stream, int w, double p) {
    return Recognition.newBuilder()
        .setStreamId(stream)
        .setFirstSequence(8L * w)
        .setLastSequence(8L * w + 7)
        .setWindowStart(Instant.ofEpochMilli(1000L * w))
        .setWindowEnd(Instant.ofEpochMilli(1000L * w + 875))
        .setTop(List.of(new LabelScore("falling", p, 0.3, null)))
        .setModelVersion("m")
        .setVocabularyVersion(1)
        .setProcessingLatencyMs(5)
        .setRecognizedAt(Instant.now())
        .build();
  }

  /** The committed records of {@code topic} from its start, read for {@code wait}. */
  static <V> List<V> committed(
      Cluster cluster, String topic, Deserializer<V> values, Duration wait) {
    Map<String, Object> cc = cluster.consumerConfig("it-outage-reader");
    cc.remove("group.id");
    List<V> out = new ArrayList<>();
    try (KafkaConsumer<byte[], V> c =
        new KafkaConsumer<>(cc, new ByteArrayDeserializer(), values)) {
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

  @Test
  void registryStoppedAcrossARestart_healthSaysWhy_noRecordDeadLettered_eachEpisodeOnce(
      @TempDir Path dir) throws Exception {
    int registryPort = LoopbackPorts.free();
    String schemas = "it-events-outage-schemas";
    EmbeddedSchemaRegistry registry =
        EmbeddedSchemaRegistry.start(platform.bootstrapServers(), registryPort, schemas);
    int port = LoopbackPorts.free();
    EventsSettings settings =
        new EventsSettings(
            "it-events-outage",
            dir,
            Duration.ofMillis(100),
            port,
            List.of("127.0.0.1"),
            1,
            Duration.ofSeconds(2));
    Map<String, Object> quick =
        Map.of("consumer.session.timeout.ms", 6000, "consumer.heartbeat.interval.ms", 1000);
    Cluster writer = Cluster.local(platform.bootstrapServers(), registry.url());
    writer.ensureTopics();
    try (KafkaProducer<String, Recognition> recognizer =
            new KafkaProducer<>(
                writer.producerConfig("it-recognizer"),
                new StringSerializer(),
                writer.topics().recognitions().valueSerde().serializer());
        KafkaProducer<String, AlertRule> rules =
            new KafkaProducer<>(
                writer.producerConfig("it-alert"),
                new StringSerializer(),
                writer.topics().rules().valueSerde().serializer())) {
      rules
          .send(
              new ProducerRecord<>(
                  writer.topics().rules().name(),
                  "falls",
                  AlertRule.newBuilder()
                      .setName("falls")
                      .setLabel("falling")
                      .setMinProbability(0.6)
                      .setMinWindows(2)
                      .setUpdatedAt(Instant.now())
                      .build()))
          .get();
      String topic = writer.topics().recognitions().name();
      // the first episode, with the registry up: windows 0 and 1 open it, window 2 closes it
      try (EventsService first = EventsService.start(writer, settings, quick)) {
        assertThat(first.awaitRunning(Duration.ofSeconds(60))).isTrue();
        Thread.sleep(1000); // the global store has the rule
        for (int w = 0; w < 3; w++) {
          recognizer.send(new ProducerRecord<>(topic, "cam", window("cam", w, w < 2 ? 0.9 : 0.1)));
        }
        recognizer.flush();
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (committed(
                        writer,
                        writer.topics().events().name(),
                        writer.topics().events().valueSerde().deserializer(),
                        Duration.ofMillis(300))
                    .size()
                < 2
            && System.nanoTime() < end) {
          Thread.sleep(200);
        }
      }

      registry.close();
      // the recognizer has the schema id: recognitions flow while the registry is away; windows 3
      // and 4 open the second episode, window 5 closes it
      for (int w = 3; w < 6; w++) {
        recognizer.send(new ProducerRecord<>(topic, "cam", window("cam", w, w < 5 ? 0.9 : 0.1)));
      }
      recognizer.flush();
    }

    // a fresh process: a new registry client with nothing cached
    Cluster fresh = Cluster.local(platform.bootstrapServers(), "http://127.0.0.1:" + registryPort);
    long awayAt = System.nanoTime();
    CompletableFuture<EventsService> second =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return EventsService.start(fresh, settings, quick);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    try {
      String why = "";
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!why.contains("schema registry has been away") && System.nanoTime() < deadline) {
        Thread.sleep(200);
        HttpResponse<String> ready = get(port, "/health/ready");
        why = ready != null && ready.statusCode() == 503 ? ready.body() : "";
      }
      assertThat(why).contains("schema-registry").contains("none is dead-lettered");
      HttpResponse<String> live = get(port, "/health/live");
      assertThat(live).isNotNull();
      assertThat(live.statusCode()).isEqualTo(200);
      // away about 15 s in all, across the restart
      Thread.sleep(Math.max(0, 15_000 - (System.nanoTime() - awayAt) / 1_000_000));
      registry = EmbeddedSchemaRegistry.start(platform.bootstrapServers(), registryPort, schemas);
      try (EventsService service = second.get(60, TimeUnit.SECONDS)) {
        assertThat(service.awaitRunning(Duration.ofSeconds(60))).isTrue();
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (committed(
                        fresh,
                        fresh.topics().events().name(),
                        fresh.topics().events().valueSerde().deserializer(),
                        Duration.ofMillis(300))
                    .size()
                < 4
            && System.nanoTime() < end) {
          Thread.sleep(200);
        }
        assertThat(service.metrics().deadLetters.labelValues("deserialization").get()).isZero();
        long readyBy = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!service.health().ready() && System.nanoTime() < readyBy) {
          Thread.sleep(200);
        }
        assertThat(service.health().ready()).isTrue();
        assertThat(get(port, "/health/ready").statusCode()).isEqualTo(200);
      }
    } finally {
      second.thenAccept(EventsService::close);
      registry.close();
    }
    // the registry is back for the readers below
    try (EmbeddedSchemaRegistry again =
        EmbeddedSchemaRegistry.start(platform.bootstrapServers(), registryPort, schemas)) {
      List<Event> events =
          committed(
              fresh,
              fresh.topics().events().name(),
              fresh.topics().events().valueSerde().deserializer(),
              Duration.ofSeconds(2));
      assertThat(events)
          .extracting(e -> e.getEventId() + " " + e.getState())
          .containsExactly(
              "falls/cam/0 OPENED",
              "falls/cam/0 CLOSED",
              "falls/cam/24 OPENED",
              "falls/cam/24 CLOSED");
      List<DeadLetter> letters =
          committed(
              fresh,
              fresh.topics().deadLetters().name(),
              fresh.topics().deadLetters().valueSerde().deserializer(),
              Duration.ofSeconds(1));
      assertThat(letters).isEmpty();
    }
  }
}
