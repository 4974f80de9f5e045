package io.openmede.events.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.embedded.EmbeddedPlatform;
import io.openmede.embedded.EmbeddedSchemaRegistry;
import io.openmede.embedded.LoopbackPorts;
import io.openmede.events.EventsService;
import io.openmede.events.EventsSettings;
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
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The events service closed while its stream thread waits for an absent schema registry (a fresh
 * service, nothing cached): the close ends the wait (the client stops waiting first), so it is over
 * in seconds rather than at the Streams close timeout (30 s); the record it waited for is neither
 * dead-lettered nor committed past: the next start reads it again.
 */
class EventsClosedDuringRegistryOutageIT {
  static EmbeddedPlatform platform;

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

  @Test
  void closedWhileWaitingForTheRegistry_stopsInSeconds_deadLettersNothing_commitsNothing(
      @TempDir Path dir) throws Exception {
    EmbeddedSchemaRegistry registry =
        EmbeddedSchemaRegistry.start(
            platform.bootstrapServers(), LoopbackPorts.free(), "it-events-close-schemas");
    String registryUrl = registry.url();
    Cluster writer = Cluster.local(platform.bootstrapServers(), registryUrl);
    writer.ensureTopics();
    String topic = writer.topics().recognitions().name();
    try (KafkaProducer<String, Recognition> recognizer =
        new KafkaProducer<>(
            writer.producerConfig("it-close-recognizer"),
            new StringSerializer(),
            writer.topics().recognitions().valueSerde().serializer())) {
      recognizer
          .send(
              new ProducerRecord<>(
                  topic,
                  "cam",
                  Recognition.newBuilder()
                      .setStreamId("cam")
                      .setFirstSequence(0)
                      .setLastSequence(7)
                      .setWindowStart(Instant.ofEpochMilli(0))
                      .setWindowEnd(Instant.ofEpochMilli(875))
                      .setTop(List.of(new LabelScore("falling", 0.9, 0.3, null)))
                      .setModelVersion("m")
                      .setVocabularyVersion(1)
                      .setProcessingLatencyMs(5)
                      .setRecognizedAt(Instant.now())
                      .build()))
          .get();
    }
    registry.close();

    int port = LoopbackPorts.free();
    String app = "it-events-close";
    EventsSettings settings =
        new EventsSettings(
            app, dir, Duration.ofMillis(100), port, List.of("127.0.0.1"), 1, Duration.ofSeconds(2));
    Cluster fresh = Cluster.local(platform.bootstrapServers(), registryUrl); // nothing cached
    EventsService service = EventsService.start(fresh, settings, Map.of());
    HttpClient http = HttpClient.newHttpClient();
    String why = "";
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!why.contains("schema registry has been away") && System.nanoTime() < deadline) {
      try {
        why =
            http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                        .timeout(Duration.ofSeconds(2))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
      } catch (java.io.IOException notYet) {
        // the endpoint is starting
      }
      Thread.sleep(200);
    }
    assertThat(why).as("the stream thread waits for the registry").contains("schema-registry");
    Thread.sleep(3000); // into a longer pause of its back-off

    long t0 = System.nanoTime();
    service.close();
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("events service closed during the registry outage in %.1f s%n", seconds);
    assertThat(seconds).as("close during the outage, s").isLessThan(15);

    Map<String, Object> cc = writer.consumerConfig("it-close-reader");
    cc.remove("group.id");
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(cc, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      String dead = writer.topics().deadLetters().name();
      List<TopicPartition> parts =
          c.partitionsFor(dead).stream().map(p -> new TopicPartition(dead, p.partition())).toList();
      assertThat(c.endOffsets(parts).values()).as("dead letters").allMatch(o -> o == 0L);
    }
    try (Admin admin = Admin.create(writer.clientConfig())) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(app).partitionsToOffsetAndMetadata().get();
      assertThat(offsets.entrySet())
          .as("committed offsets of %s", topic)
          .noneMatch(
              e ->
                  e.getKey().topic().equals(topic)
                      && e.getValue() != null
                      && e.getValue().offset() > 0);
    }
  }
}
