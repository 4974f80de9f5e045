package io.openmede.ingest.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.embedded.EmbeddedPlatform;
import io.openmede.embedded.EmbeddedSchemaRegistry;
import io.openmede.embedded.LoopbackPorts;
import io.openmede.ingest.feedback.LabelerService;
import io.openmede.ingest.feedback.LabelerSettings;
import io.openmede.schemas.avro.Feedback;
import io.openmede.schemas.avro.FeedbackVerdict;
import io.openmede.schemas.avro.Frame;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.avro.FrameEncoding;
import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.values.Identifiers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The labeler across a schema registry outage: the registry is stopped while the labeler is down,
 * corrections keep coming (their writer has the schema id cached), and a fresh labeler (a new
 * registry client, nothing cached) starts while the registry is away. It says why it is not ready,
 * dead-letters nothing, and once the registry is back every correction becomes its clip once.
 */
class LabelerRegistryOutageIT {
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

  static Feedback correction(String stream, long first, Instant t0) {
    return Feedback.newBuilder()
        .setStreamId(stream)
        .setFirstSequence(first)
        .setLastSequence(first + 7)
        .setFirstCaptureTime(t0.plusMillis(125 * first).toEpochMilli())
        .setLabel("falling")
        .setVerdict(FeedbackVerdict.CORRECT)
        .setAddToVocabulary(false)
        .setSender("it")
        .setSentAt(Instant.now())
        .build();
  }

  /** Keys of the committed records of {@code topic} from its start, read for {@code wait}. */
  static List<String> keys(Cluster cluster, String topic, Duration wait) {
    Map<String, Object> cc = cluster.consumerConfig("it-outage-reader");
    cc.remove("group.id");
    List<String> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(cc, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts =
          c.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      long end = System.nanoTime() + wait.toNanos();
      while (System.nanoTime() < end) {
        c.poll(Duration.ofMillis(200)).forEach(r -> out.add(String.valueOf(r.key())));
      }
    }
    return out;
  }

  @Test
  void registryStoppedAcrossARestart_healthSaysWhy_noRecordDeadLettered_eachClipOnce()
      throws Exception {
    int registryPort = LoopbackPorts.free();
    String schemas = "it-labeler-outage-schemas";
    EmbeddedSchemaRegistry registry =
        EmbeddedSchemaRegistry.start(platform.bootstrapServers(), registryPort, schemas);
    int port = LoopbackPorts.free();
    LabelerSettings settings = new LabelerSettings("it-labeler-outage", 64, 0, port);
    Cluster writer = Cluster.local(platform.bootstrapServers(), registry.url());
    writer.ensureTopics();
    String clips = writer.topics().labeledClips().name();
    Instant t0 = Instant.now().minusSeconds(4);
    try (KafkaProducer<String, FrameBatch> camera =
            new KafkaProducer<>(
                writer.producerConfig("it-frames"),
                new StringSerializer(),
                writer.topics().frames().valueSerde().serializer());
        KafkaProducer<String, Feedback> page =
            new KafkaProducer<>(
                writer.producerConfig("it-feedback"),
                new StringSerializer(),
                writer.topics().feedback().valueSerde().serializer())) {
      // frames 0..31 of one camera, 8 fps
      Random random = new Random(7);
      for (int b = 0; b < 4; b++) {
        List<Frame> frames = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          byte[] data = new byte[500];
          random.nextBytes(data);
          long seq = 8L * b + i;
          frames.add(new Frame(seq, t0.plusMillis(125 * seq), ByteBuffer.wrap(data)));
        }
        camera
            .send(
                new ProducerRecord<>(
                    writer.topics().frames().name(),
                    "cam",
                    new FrameBatch("cam", (long) b, 32, 24, FrameEncoding.JPEG, frames, "it")))
            .get();
      }
      String feedback = writer.topics().feedback().name();
      // the first correction, with the registry up
      try (LabelerService first = LabelerService.start(writer, settings)) {
        page.send(new ProducerRecord<>(feedback, "cam", correction("cam", 0, t0))).get();
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (keys(writer, clips, Duration.ofMillis(300)).isEmpty() && System.nanoTime() < end) {
          Thread.sleep(200);
        }
        assertThat(keys(writer, clips, Duration.ofMillis(300))).hasSize(1);
      }

      registry.close();
      // the page has the schema id: corrections flow while the registry is away
      page.send(new ProducerRecord<>(feedback, "cam", correction("cam", 8, t0))).get();
      page.send(new ProducerRecord<>(feedback, "cam", correction("cam", 16, t0))).get();
    }

    // a fresh process: a new registry client with nothing cached
    Cluster fresh = Cluster.local(platform.bootstrapServers(), "http://127.0.0.1:" + registryPort);
    long awayAt = System.nanoTime();
    CompletableFuture<LabelerService> second =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return LabelerService.start(fresh, settings);
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
      try (LabelerService labeler = second.get(60, TimeUnit.SECONDS)) {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (keys(fresh, clips, Duration.ofMillis(300)).size() < 3 && System.nanoTime() < end) {
          Thread.sleep(200);
        }
        long readyBy = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!labeler.health().ready() && System.nanoTime() < readyBy) {
          Thread.sleep(200);
        }
        assertThat(labeler.health().ready()).isTrue();
        assertThat(get(port, "/health/ready").statusCode()).isEqualTo(200);
      }
      assertThat(keys(fresh, clips, Duration.ofSeconds(2)))
          .containsExactly(
              Identifiers.feedbackClipId("cam", 0, 7),
              Identifiers.feedbackClipId("cam", 8, 15),
              Identifiers.feedbackClipId("cam", 16, 23));
      assertThat(keys(fresh, fresh.topics().deadLetters().name(), Duration.ofSeconds(1))).isEmpty();
    } finally {
      second.thenAccept(LabelerService::close);
      registry.close();
    }
  }
}
