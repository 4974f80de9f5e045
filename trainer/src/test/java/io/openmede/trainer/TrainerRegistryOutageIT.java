package io.openmede.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.embedded.EmbeddedPlatform;
import io.openmede.embedded.EmbeddedSchemaRegistry;
import io.openmede.embedded.LoopbackPorts;
import io.openmede.schemas.avro.LabeledClip;
import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.topic.ConnectionSettings;
import io.openmede.schemas.values.InputBounds;
import io.openmede.settings.Settings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer across a schema registry outage: the registry is stopped while the trainer is down,
 * labeled clips keep coming (their writer has the schema id cached), and a fresh trainer (a new
 * registry client, nothing cached) starts while the registry is away. It says why it is not ready,
 * dead-letters nothing, and once the registry is back it trains on every clip once: the clips of
 * the updates before and after the outage are the stream's clips in order, none twice.
 */
class TrainerRegistryOutageIT {

  private static final int CLIPS_PER_UPDATE = 4; // 2·N·B with N=1, B=2

  private final HttpClient http = HttpClient.newHttpClient();

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

  static TrainerSettings settings(
      Path dir, String bootstrap, String registry, int port, long stopAfter) {
    Map<String, String> values =
        new HashMap<>(
            TestClips.tinySettings(
                dir.resolve("state").toString(), dir.resolve("ckpt").toString(), 1));
    values.put("trainer.stop-after-updates", Long.toString(stopAfter));
    values.put(TrainerSettings.METRICS_PORT.name(), Integer.toString(port));
    values.put(ConnectionSettings.BOOTSTRAP_SERVERS.name(), bootstrap);
    values.put(ConnectionSettings.REGISTRY_URL.name(), registry);
    return TrainerSettings.from(
        Settings.of(
            List.of(TrainerSettings.GROUP, InputBounds.GROUP, ConnectionSettings.GROUP), values));
  }

  static int records(Cluster cluster, String topic, Duration wait) {
    Map<String, Object> cc = cluster.consumerConfig("it-outage-reader");
    cc.remove("group.id");
    int n = 0;
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(cc, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts =
          c.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      long end = System.nanoTime() + wait.toNanos();
      while (System.nanoTime() < end) {
        n += c.poll(Duration.ofMillis(200)).count();
      }
    }
    return n;
  }

  @Test
  void registryStoppedAcrossARestart_healthSaysWhy_noClipDeadLettered_eachClipTrainedOnce(
      @TempDir Path dir) throws Exception {
    try (EmbeddedPlatform platform = EmbeddedPlatform.startTemporary()) {
      int registryPort = LoopbackPorts.free();
      String schemas = "it-trainer-outage-schemas";
      String url = "http://127.0.0.1:" + registryPort;
      EmbeddedSchemaRegistry registry =
          EmbeddedSchemaRegistry.start(platform.bootstrapServers(), registryPort, schemas);
      int port = LoopbackPorts.free();
      Cluster writer = Cluster.local(platform.bootstrapServers(), url);
      writer.ensureTopics();
      String topic = writer.topics().labeledClips().name();
      List<String> trained = new CopyOnWriteArrayList<>();
      try (KafkaProducer<String, LabeledClip> labeler =
          new KafkaProducer<>(
              writer.producerConfig("it-labeler"),
              writer.topics().labeledClips().keySerde().serializer(),
              writer.topics().labeledClips().valueSerde().serializer())) {
        for (int i = 0; i < 2 * CLIPS_PER_UPDATE; i++) {
          LabeledClip c = TestClips.streamClip(i);
          labeler.send(new ProducerRecord<>(topic, c.getClipId(), c)).get();
        }
        // two updates with the registry up; the state is saved on the way out
        try (TrainerService first =
            TrainerService.create(
                settings(dir, platform.bootstrapServers(), url, port, 2), writer, false)) {
          first.loop().setUpdateListener((u, ids, r) -> trained.addAll(ids));
          first.startLoop();
          first.finished().toCompletableFuture().get(90, TimeUnit.SECONDS);
        }
        assertThat(trained).hasSize(2 * CLIPS_PER_UPDATE);

        registry.close();
        // the labeler has the schema id: clips flow while the registry is away
        for (int i = 2 * CLIPS_PER_UPDATE; i < 4 * CLIPS_PER_UPDATE; i++) {
          LabeledClip c = TestClips.streamClip(i);
          labeler.send(new ProducerRecord<>(topic, c.getClipId(), c)).get();
        }
      }

      // a fresh process: a new registry client with nothing cached
      Cluster fresh = Cluster.local(platform.bootstrapServers(), url);
      long awayAt = System.nanoTime();
      CompletableFuture<TrainerService> second =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  TrainerService s =
                      TrainerService.create(
                          settings(dir, platform.bootstrapServers(), url, port, 4), fresh, false);
                  s.loop().setUpdateListener((u, ids, r) -> trained.addAll(ids));
                  return s.startLoop();
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
        try (TrainerService trainer = second.get(60, TimeUnit.SECONDS)) {
          trainer.finished().toCompletableFuture().get(90, TimeUnit.SECONDS);
          assertThat(trainer.loop().deadLettered()).isZero();
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 4 * CLIPS_PER_UPDATE; i++) {
          expected.add("clip-" + i);
        }
        assertThat(trained).containsExactlyElementsOf(expected);
        assertThat(records(fresh, fresh.topics().deadLetters().name(), Duration.ofSeconds(1)))
            .isZero();
      } finally {
        second.thenAccept(TrainerService::close);
        registry.close();
      }
    }
  }
}
