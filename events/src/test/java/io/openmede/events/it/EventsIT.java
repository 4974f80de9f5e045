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
        Duration.ofSeconds(2),
        16,
        List.of());
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
                    .setTop(List.of(new LabelScore("falling", probabilities[i], 0.3, null)))
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
  void episodesReachTheTopicOnceAndTheWebhookOncePerEpisode_acrossARestart(@TempDir Path dir)
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
      await(() -> posts.size() >= 1, Duration.ofSeconds(60));
      await(() -> committedEvents(Duration.ofMillis(300)).size() >= 2, Duration.ofSeconds(30));
      assertThat(posts).containsExactly("falls/cam-1/0");
      assertThat(service.metrics().rulesRefused.labelValues("value").get()).isEqualTo(1.0);
      assertThat(service.health().live()).isTrue();
    }
    // a restart: the episode state and the delivered offsets survive; nothing is repeated
    try (EventsService service = EventsService.start(cluster, settings(dir), QUICK)) {
      assertThat(service.awaitRunning(Duration.ofSeconds(60))).isTrue();
      sendRecognitions("cam-1", 4, 0.1, 0.9, 0.9, 0.2);
      await(() -> posts.size() >= 2, Duration.ofSeconds(60));
      Thread.sleep(1500); // any repeat would arrive now
    }
    assertThat(posts).containsExactly("falls/cam-1/0", "falls/cam-1/40"); // one POST per episode
    List<Event> events = committedEvents(Duration.ofSeconds(3));
    assertThat(events)
        .filteredOn(e -> e.getRule().equals("falls")) // the other tests' rules share the topic
        .extracting(e -> e.getEventId() + " " + e.getState())
        .containsExactly(
            "falls/cam-1/0 " + EventState.OPENED,
            "falls/cam-1/0 " + EventState.CLOSED,
            "falls/cam-1/40 " + EventState.OPENED,
            "falls/cam-1/40 " + EventState.CLOSED);
  }

  static Process launch(Path dir, Path log) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    if (System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES") != null) {
      cmd.add(
          "-Dorg.apache.avro.SERIALIZABLE_PACKAGES="
              + System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES"));
    }
    cmd.add(EventsProcessMain.class.getName());
    cmd.add("kafka.bootstrap.servers=" + platform.bootstrapServers());
    cmd.add("schema.registry.url=" + platform.registryUrl());
    cmd.add("topics.partitions=1");
    cmd.add("events.application.id=it-events-killed");
    cmd.add("events.state.dir=" + dir);
    cmd.add("events.commit.interval=100ms");
    cmd.add("events.webhook.allowed-hosts=127.0.0.1");
    cmd.add("events.webhook.attempts=3");
    // the restarted process waits for the killed one's session to end before it takes over
    cmd.add("events.consumer.session.timeout=6s");
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < end) {
      if (java.nio.file.Files.exists(log)
          && java.nio.file.Files.readString(log).lines().anyMatch("RUNNING"::equals)) {
        return p;
      }
      if (!p.isAlive()) {
        break;
      }
      Thread.sleep(200);
    }
    p.destroyForcibly();
    throw new AssertionError("the events process did not start; see " + log);
  }

  @Test
  void killedWithSignal9AndRestarted_everyEpisodeIsPostedUnderItsOwnKey_eventsOnce(
      @TempDir Path dir) throws Exception {
    String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    try (KafkaProducer<String, AlertRule> p =
        new KafkaProducer<>(
            cluster.producerConfig("it-alert"),
            new StringSerializer(),
            cluster.topics().rules().valueSerde().serializer())) {
      p.send(
              new ProducerRecord<>(
                  cluster.topics().rules().name(),
                  "doors",
                  AlertRule.newBuilder()
                      .setName("doors")
                      .setLabel("falling")
                      .setStreams(List.of("door-*"))
                      .setMinProbability(0.6)
                      .setMinWindows(1)
                      .setWebhooks(List.of(hook))
                      .setUpdatedAt(Instant.now())
                      .build()))
          .get();
    }
    Process first = launch(dir.resolve("state"), Path.of("target/events-killed-first.log"));
    try {
      Thread.sleep(1000);
      sendRecognitions("door-1", 0, 0.9, 0.1, 0.9, 0.1);
      await(
          () -> posts.stream().filter(k -> k.startsWith("doors/")).count() >= 1,
          Duration.ofSeconds(60));
    } finally {
      first.destroyForcibly().waitFor(); // kill -9, mid-way through the episodes
    }
    sendRecognitions("door-1", 4, 0.9, 0.1);
    Process second = launch(dir.resolve("state"), Path.of("target/events-killed-second.log"));
    try {
      await(
          // each of the three episodes posted (a repeat carries the same key)
          () -> posts.stream().filter(k -> k.startsWith("doors/")).distinct().count() >= 3,
          Duration.ofSeconds(90));
      Thread.sleep(1500);
    } finally {
      second.destroyForcibly().waitFor();
    }
    List<String> episodes = List.of("doors/door-1/0", "doors/door-1/16", "doors/door-1/32");
    List<String> mine = posts.stream().filter(k -> k.startsWith("doors/")).toList();
    // one POST per episode, at least once; a repeat carries the same key
    assertThat(mine.stream().distinct().toList()).containsExactlyInAnyOrderElementsOf(episodes);
    // exactly once on the topic: each episode opened and closed
    assertThat(committedEvents(Duration.ofSeconds(3)))
        .filteredOn(e -> e.getRule().equals("doors"))
        .extracting(e -> e.getEventId() + "/" + e.getState())
        .containsExactly(
            "doors/door-1/0/OPENED",
            "doors/door-1/0/CLOSED",
            "doors/door-1/16/OPENED",
            "doors/door-1/16/CLOSED",
            "doors/door-1/32/OPENED",
            "doors/door-1/32/CLOSED");
  }

  /** A recognition of "climbing" (a label no other test's rule watches) at {@code p}. */
  static Recognition climbing(
      String stream, long first, long last, long startMs, long endMs, double p) {
    return Recognition.newBuilder()
        .setStreamId(stream)
        .setFirstSequence(first)
        .setLastSequence(last)
        .setWindowStart(Instant.ofEpochMilli(startMs))
        .setWindowEnd(Instant.ofEpochMilli(endMs))
        .setTop(List.of(new LabelScore("climbing", p, 0.3, null)))
        .setModelVersion("m")
        .setVocabularyVersion(1)
        .setProcessingLatencyMs(5)
        .setRecognizedAt(Instant.now())
        .build();
  }

  @Test
  void recognitionsFarAhead_areDeadLettered_andTheSameRuleAndStreamOpenEpisodesAfter(
      @TempDir Path dir) throws Exception {
    try (KafkaProducer<String, AlertRule> p =
        new KafkaProducer<>(
            cluster.producerConfig("it-alert"),
            new StringSerializer(),
            cluster.topics().rules().valueSerde().serializer())) {
      p.send(
              new ProducerRecord<>(
                  cluster.topics().rules().name(),
                  "climbs",
                  AlertRule.newBuilder()
                      .setName("climbs")
                      .setLabel("climbing")
                      .setStreams(List.of("wall-*"))
                      .setMinProbability(0.6)
                      .setMinWindows(1)
                      .setUpdatedAt(Instant.now())
                      .build()))
          .get();
    }
    long year9999 = Instant.parse("9999-12-31T00:00:00Z").toEpochMilli();
    try (EventsService service = EventsService.start(cluster, settings(dir), QUICK);
        KafkaProducer<String, Recognition> p =
            new KafkaProducer<>(
                cluster.producerConfig("it-recognizer"),
                new StringSerializer(),
                cluster.topics().recognitions().valueSerde().serializer())) {
      assertThat(service.awaitRunning(Duration.ofSeconds(60))).isTrue();
      Thread.sleep(1000); // the global store has the rule
      String topic = cluster.topics().recognitions().name();
      List<Recognition> sent =
          List.of(
              climbing("wall-1", 0, 7, 0, 875, 0.9), // opens
              climbing("wall-1", Long.MAX_VALUE - 7, Long.MAX_VALUE, 1000, 1875, 0.9), // refused
              climbing("wall-1", 8, 15, year9999, year9999 + 875, 0.1), // refused
              climbing("wall-1", 8, 15, 1000, 1875, 0.1), // closes
              climbing("wall-1", 16, 23, 2000, 2875, 0.9)); // opens again
      for (Recognition r : sent) {
        p.send(new ProducerRecord<>(topic, "wall-1", r));
      }
      p.flush();
      await(
          () ->
              committedEvents(Duration.ofMillis(300)).stream()
                      .filter(e -> e.getRule().equals("climbs"))
                      .count()
                  >= 3,
          Duration.ofSeconds(60));
      assertThat(service.metrics().deadLetters.labelValues("out-of-bounds").get()).isEqualTo(2.0);
      assertThat(service.health().live()).isTrue();
    }
    assertThat(committedEvents(Duration.ofSeconds(2)))
        .filteredOn(e -> e.getRule().equals("climbs"))
        .extracting(e -> e.getEventId() + "/" + e.getState())
        .containsExactly(
            "climbs/wall-1/0/OPENED", "climbs/wall-1/0/CLOSED", "climbs/wall-1/16/OPENED");
  }
}
