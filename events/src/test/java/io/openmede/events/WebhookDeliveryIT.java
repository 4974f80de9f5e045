package io.openmede.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.openmede.embedded.EmbeddedPlatform;
import io.openmede.schemas.avro.AlertRule;
import io.openmede.schemas.avro.DeadLetter;
import io.openmede.schemas.avro.Event;
import io.openmede.schemas.avro.EventState;
import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.topic.KafkaRefusedRecords;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Webhook delivery on the embedded broker against receivers on this machine that never answer or
 * answer their headers and stall: ten events of one rule to its eight silent webhooks do not hold
 * back another rule's webhook; the poll loop outlives none of its poll interval; every record ends
 * delivered or dead-lettered (an undecodable one, one whose rule names a port out of range, one
 * whose stream id no HTTP header can carry) and its offset is committed.
 */
class WebhookDeliveryIT {
  static EmbeddedPlatform platform;
  static Cluster cluster;
  static HttpServer receiver;
  static ServerSocket silent;
  static ServerSocket stalling;
  static final List<Socket> held = new CopyOnWriteArrayList<>();
  static final Map<String, Instant> received = new ConcurrentHashMap<>();
  static final List<String> receivedKeys = new CopyOnWriteArrayList<>();

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
            String key = x.getRequestHeaders().getFirst("Idempotency-Key");
            receivedKeys.add(key);
            received.putIfAbsent(key, Instant.now());
            x.sendResponseHeaders(204, -1);
          }
        });
    receiver.start();
    silent = holding(false);
    stalling = holding(true);
  }

  /** A receiver that accepts and never answers, or answers its headers and then stalls. */
  static ServerSocket holding(boolean headers) throws IOException {
    ServerSocket s = new ServerSocket(0, 200, java.net.InetAddress.getLoopbackAddress());
    Thread t =
        new Thread(
            () -> {
              while (!s.isClosed()) {
                try {
                  Socket c = s.accept();
                  held.add(c);
                  if (headers) {
                    c.getOutputStream()
                        .write(
                            "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nfirst bytes"
                                .getBytes(StandardCharsets.US_ASCII));
                    c.getOutputStream().flush();
                  }
                } catch (IOException e) {
                  // closed
                }
              }
            });
    t.setDaemon(true);
    t.start();
    return s;
  }

  @AfterAll
  static void stop() throws IOException {
    if (receiver != null) {
      receiver.stop(0);
    }
    for (ServerSocket s : new ServerSocket[] {silent, stalling}) {
      if (s != null) {
        s.close();
      }
    }
    for (Socket c : held) {
      c.close();
    }
    if (platform != null) {
      platform.close();
    }
  }

  static AlertRule rule(String name, List<String> hooks) {
    return AlertRule.newBuilder()
        .setName(name)
        .setLabel("falling")
        .setMinProbability(0.5)
        .setWebhooks(hooks)
        .setUpdatedAt(Instant.ofEpochMilli(1))
        .build();
  }

  static Event event(String rule, String stream, long sequence) {
    return Event.newBuilder()
        .setEventId(rule + "/" + stream + "/" + sequence)
        .setRule(rule)
        .setStreamId(stream)
        .setLabel("falling")
        .setState(EventState.OPENED)
        .setFirstSequence(sequence)
        .setLastSequence(sequence + 7)
        .setStartedAt(Instant.ofEpochMilli(2000))
        .setEndedAt(Instant.ofEpochMilli(4875))
        .setWindows(3)
        .setPeakProbability(0.95)
        .setSnapshotSequence(sequence + 3)
        .setEmittedAt(Instant.ofEpochMilli(9000))
        .build();
  }

  static void await(Supplier<Boolean> condition, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.get() && System.nanoTime() < end) {
      Thread.sleep(100);
    }
  }

  @Test
  void tenEventsToEightSilentWebhooks_doNotHoldBackAnotherRule_andEveryRecordEndsCommitted()
      throws Exception {
    String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    List<String> silentHooks = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      silentHooks.add("http://127.0.0.1:" + silent.getLocalPort() + "/never/" + i + "?secret=s3");
      silentHooks.add("http://127.0.0.1:" + stalling.getLocalPort() + "/stall/" + i);
    }
    Map<String, AlertRule> rules =
        Map.of(
            "silent", rule("silent", silentHooks),
            "good", rule("good", List.of(hook)),
            "badport", rule("badport", List.of("http://127.0.0.1:99999/hook")));

    String topic = cluster.topics().events().name();
    String key = "cam-1"; // one partition: the good events come after the silent ones
    long sentAt;
    try (KafkaProducer<byte[], byte[]> p =
        new KafkaProducer<>(
            cluster.producerConfig("it-events"),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      var values = cluster.topics().events().valueSerde().serializer();
      byte[] k = key.getBytes(StandardCharsets.UTF_8);
      List<byte[]> records = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        records.add(values.serialize(topic, event("silent", "cam-1", 8L * i)));
      }
      records.add(new byte[] {1, 2, 3}); // not an event
      records.add(values.serialize(topic, event("badport", "cam-1", 100)));
      records.add(values.serialize(topic, event("good", "cam\r\n1", 200)));
      records.add(values.serialize(topic, event("good", "cam-1", 300)));
      for (byte[] v : records) {
        p.send(new ProducerRecord<>(topic, k, v));
      }
      p.flush();
      sentAt = System.nanoTime();
    }

    Map<String, Object> consumer =
        WebhookDelivery.consumerConfig(cluster.consumerConfig("it-webhooks"), 4);
    // the whole batch's silent deliveries take longer than this: a loop that waited on them
    // would be evicted and read the batch again
    consumer.put("max.poll.interval.ms", 3000);
    EventsMetrics metrics = new EventsMetrics();
    try (KafkaRefusedRecords letters =
            new KafkaRefusedRecords(
                cluster.clientConfig(), cluster.topics().deadLetters(), "events");
        WebhookSink sink =
            new WebhookSink(
                List.of("127.0.0.1"),
                new WebhookSink.Policy(
                    2, Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofSeconds(1)),
                letters);
        WebhookDelivery delivery =
            new WebhookDelivery(
                new KafkaConsumer<>(
                    consumer, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                cluster.topics().events().valueSerde().deserializer(),
                topic,
                sink,
                name -> Optional.ofNullable(rules.get(name)),
                metrics,
                letters,
                4)) {
      delivery.start();
      String good = "good/cam-1/300";
      await(() -> received.containsKey(good), Duration.ofSeconds(60));
      assertThat(received).containsKey(good);
      double seconds = (System.nanoTime() - sentAt) / 1e9;
      System.out.printf("the good rule's webhook was delivered %.1f s after the batch%n", seconds);
      assertThat(seconds).isLessThan(60);
      // the stream id with CR LF went out percent-encoded in its header
      assertThat(received).containsKey("good/cam%0D%0A1/200");

      // every record ends: committed up to the end
      TopicPartition partition;
      try (KafkaConsumer<byte[], byte[]> c =
          new KafkaConsumer<>(
              cluster.consumerConfig("it-webhooks"),
              new ByteArrayDeserializer(),
              new ByteArrayDeserializer())) {
        int p = 0;
        for (var info : c.partitionsFor(topic)) {
          TopicPartition tp = new TopicPartition(topic, info.partition());
          if (c.endOffsets(Set.of(tp)).get(tp) > 0) {
            p = info.partition();
          }
        }
        partition = new TopicPartition(topic, p);
        long end = c.endOffsets(Set.of(partition)).get(partition);
        await(
            () -> {
              OffsetAndMetadata o = c.committed(Set.of(partition)).get(partition);
              return o != null && o.offset() == end;
            },
            Duration.ofSeconds(60));
        assertThat(c.committed(Set.of(partition)).get(partition).offset()).isEqualTo(end);
      }
      System.out.printf(
          "every record committed %.1f s after the batch%n", (System.nanoTime() - sentAt) / 1e9);
    }
    // each good event was delivered once: the loop was never evicted into reading the batch again
    assertThat(receivedKeys).containsExactlyInAnyOrder("good/cam%0D%0A1/200", "good/cam-1/300");

    List<DeadLetter> dead = deadLetters();
    assertThat(dead.stream().filter(d -> d.getError().contains("not delivered to")))
        .hasSize(10 * 8 + 1);
    assertThat(dead).anyMatch(d -> d.getError().contains("cannot be decoded"));
    assertThat(dead)
        .filteredOn(d -> d.getError().contains("127.0.0.1:" + stalling.getLocalPort()))
        .hasSize(40)
        .allMatch(d -> d.getError().contains("no whole answer within 1000 ms"));
    // reasons name the receiver, never its path or query (often a secret)
    assertThat(dead)
        .noneMatch(d -> d.getError().contains("secret") || d.getError().contains("/never/"));
  }

  static List<DeadLetter> deadLetters() {
    Map<String, Object> cc = cluster.consumerConfig("it-dead-letters");
    cc.remove("group.id");
    List<DeadLetter> out = new ArrayList<>();
    try (KafkaConsumer<byte[], DeadLetter> c =
        new KafkaConsumer<>(
            cc,
            new ByteArrayDeserializer(),
            cluster.topics().deadLetters().valueSerde().deserializer())) {
      String t = cluster.topics().deadLetters().name();
      List<TopicPartition> parts =
          c.partitionsFor(t).stream().map(p -> new TopicPartition(t, p.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (System.nanoTime() < until
          && parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
        c.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
      }
    }
    return out;
  }
}
