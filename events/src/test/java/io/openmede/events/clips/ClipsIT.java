package io.openmede.events.clips;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.embedded.EmbeddedPlatform;
import io.openmede.events.EventsMetrics;
import io.openmede.events.EventsService;
import io.openmede.events.EventsSettings;
import io.openmede.schemas.avro.AlertRule;
import io.openmede.schemas.avro.ClipMade;
import io.openmede.schemas.avro.ClipStatus;
import io.openmede.schemas.avro.Frame;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.avro.FrameEncoding;
import io.openmede.schemas.avro.LabelScore;
import io.openmede.schemas.avro.Recognition;
import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.topic.RefusedRecords;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clip maker on the embedded broker: a synthetic camera writes frames, a rule opens and closes
 * an episode in the real events service, and the clip maker keeps an MP4 of the episode with its
 * pre- and post-roll, which FFmpeg decodes back to the expected frames at the camera's size; a
 * crash after the clip is stored and before its record is committed, then a restart, leave one clip
 * and one committed record; a stream whose frames are not on the topic gets a record saying so.
 */
class ClipsIT {
  static EmbeddedPlatform platform;
  static Cluster cluster;

  static final int FPS = 10;
  static final int WIDTH = 160;
  static final int HEIGHT = 120;

  @BeforeAll
  static void start() throws Exception {
    platform = EmbeddedPlatform.startTemporary();
    cluster = Cluster.local(platform.bootstrapServers(), platform.registryUrl());
    cluster.ensureTopics();
  }

  @AfterAll
  static void stop() {
    if (platform != null) {
      platform.close();
    }
  }

  static byte[] jpeg(int i) throws Exception {
    BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(30, 60, 90));
    g.fillRect(0, 0, WIDTH, HEIGHT);
    g.setColor(Color.ORANGE);
    g.fillRect((i * 4) % (WIDTH - 20), 50, 20, 20);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "jpg", out);
    return out.toByteArray();
  }

  /** A synthetic camera: {@code n} frames at {@link #FPS} from {@code t0}, in batches of 8. */
  static void camera(Cluster cluster, String stream, Instant t0, int n) throws Exception {
    try (KafkaProducer<String, FrameBatch> p =
        new KafkaProducer<>(
            cluster.producerConfig("it-camera"),
            new StringSerializer(),
            cluster.topics().frames().valueSerde().serializer())) {
      for (int b = 0; b * 8 < n; b++) {
        List<Frame> frames = new ArrayList<>();
        for (int i = b * 8; i < Math.min(n, b * 8 + 8); i++) {
          frames.add(new Frame((long) i, t0.plusMillis(1000L * i / FPS), ByteBuffer.wrap(jpeg(i))));
        }
        p.send(
            new ProducerRecord<>(
                cluster.topics().frames().name(),
                stream,
                new FrameBatch(
                    stream, (long) b, WIDTH, HEIGHT, FrameEncoding.JPEG, frames, "synthetic")));
      }
      p.flush();
    }
  }

  /** Windows of 8 frames as a recognizer writes them, one per probability. */
  static void recognitions(Cluster cluster, String stream, Instant t0, double... probabilities)
      throws Exception {
    try (KafkaProducer<String, Recognition> p =
        new KafkaProducer<>(
            cluster.producerConfig("it-recognizer"),
            new StringSerializer(),
            cluster.topics().recognitions().valueSerde().serializer())) {
      for (int w = 0; w < probabilities.length; w++) {
        p.send(
            new ProducerRecord<>(
                cluster.topics().recognitions().name(),
                stream,
                Recognition.newBuilder()
                    .setStreamId(stream)
                    .setFirstSequence(8L * w)
                    .setLastSequence(8L * w + 7)
                    .setWindowStart(t0.plusMillis(800L * w))
                    .setWindowEnd(t0.plusMillis(800L * w + 700))
                    .setTop(List.of(new LabelScore("falling", probabilities[w], 0.3, null)))
                    .setModelVersion("m")
                    .setVocabularyVersion(1)
                    .setProcessingLatencyMs(5)
                    .setRecognizedAt(Instant.now())
                    .build()));
      }
      p.flush();
    }
  }

  static List<ClipMade> committedClips(Cluster cluster, Duration wait, int atLeast) {
    Map<String, Object> cc = cluster.consumerConfig("it-clips-reader");
    cc.remove("group.id");
    cc.put("isolation.level", "read_committed");
    List<ClipMade> out = new ArrayList<>();
    try (KafkaConsumer<String, ClipMade> c =
        new KafkaConsumer<>(
            cc, new StringDeserializer(), cluster.topics().clips().valueSerde().deserializer())) {
      String topic = cluster.topics().clips().name();
      List<TopicPartition> parts =
          c.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      long end = System.nanoTime() + wait.toNanos();
      while (System.nanoTime() < end) {
        c.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
        if (out.size() >= atLeast) {
          // read a little longer: a duplicate would show up now
          c.poll(Duration.ofMillis(1500)).forEach(r -> out.add(r.value()));
          break;
        }
      }
    }
    return out;
  }

  static int decodedFrames(Path mp4, int[] size) throws Exception {
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(mp4.toFile())) {
      g.start();
      size[0] = g.getImageWidth();
      size[1] = g.getImageHeight();
      assertThat(g.getVideoCodecName()).isEqualTo("h264");
      int n = 0;
      while (g.grabImage() != null) {
        n++;
      }
      g.stop();
      return n;
    }
  }

  static void rule(Cluster cluster, AlertRule rule) throws Exception {
    try (KafkaProducer<String, AlertRule> p =
        new KafkaProducer<>(
            cluster.producerConfig("it-alert"),
            new StringSerializer(),
            cluster.topics().rules().valueSerde().serializer())) {
      p.send(new ProducerRecord<>(cluster.topics().rules().name(), rule.getName(), rule)).get();
    }
  }

  /** Clips with rolls of 0.5 s, waiting 2 s for the post-roll. */
  static ClipSettings settings(Path dir, String group, Optional<String> publicUrl) {
    ClipSettings d =
        ClipSettings.defaults(dir.resolve("clips"))
            .withRolls(Duration.ofMillis(500), Duration.ofMillis(500))
            .withGroup(group);
    return new ClipSettings(
        true,
        d.dir(),
        d.group(),
        d.preRoll(),
        d.postRoll(),
        d.maxLength(),
        Duration.ofSeconds(2),
        d.maxBytes(),
        d.retentionBytes(),
        d.retentionAge(),
        publicUrl);
  }

  @Test
  void anEpisodeGetsOneClipWithItsRolls_acrossACrashBeforeTheRecordIsCommitted(@TempDir Path dir)
      throws Exception {
    Instant t0 = Instant.now().minusSeconds(20).truncatedTo(ChronoUnit.SECONDS);
    camera(cluster, "cam-clip", t0, 80); // 8 s of video at 10 fps
    rule(
        cluster,
        AlertRule.newBuilder()
            .setName("falls")
            .setLabel("falling")
            .setMinProbability(0.6)
            .setMinWindows(2)
            .setUpdatedAt(Instant.now())
            .build());
    ClipSettings settings = settings(dir, "it-clips", Optional.empty());
    EventsSettings events =
        new EventsSettings(
            "it-clips-events",
            dir.resolve("events"),
            Duration.ofMillis(100),
            0,
            List.of("127.0.0.1"),
            1,
            Duration.ofSeconds(1));
    DirectoryClipStore store = new DirectoryClipStore(settings.dir(), settings.maxBytes());
    CountDownLatch stored = new CountDownLatch(1);
    try (EventsService service =
        EventsService.start(
            cluster,
            events,
            Optional.empty(),
            Map.of("consumer.session.timeout.ms", 6000, "consumer.heartbeat.interval.ms", 1000))) {
      assertThat(service.awaitRunning(Duration.ofSeconds(60))).isTrue();
      Thread.sleep(1000); // the global store has the rule
      // windows 1..3 hold: the episode is frames 8..31, captured from t0+0.8 s to t0+3.1 s
      recognitions(cluster, "cam-clip", t0, 0.1, 0.9, 0.9, 0.9, 0.1);
      // a stream that no camera wrote: its episode has no frames to clip
      recognitions(cluster, "cam-gone", t0, 0.9, 0.9, 0.1);

      // a clip maker that crashes after storing the clip and before committing its record
      ClipService crashing =
          new ClipService(
              cluster,
              settings,
              store,
              RefusedRecords.NONE,
              new EventsMetrics(),
              Clock.systemUTC(),
              id -> {
                if (id.startsWith("falls/cam-clip/")) {
                  stored.countDown();
                  throw new IllegalStateException("crash between store and commit (test)");
                }
              });
      crashing.start();
      assertThat(stored.await(60, TimeUnit.SECONDS)).isTrue();
      crashing.close();
      assertThat(store.list()).hasSize(1); // stored, not published

      EventsMetrics metrics = new EventsMetrics();
      try (ClipService restarted =
          new ClipService(
                  cluster,
                  settings,
                  store,
                  RefusedRecords.NONE,
                  metrics,
                  Clock.systemUTC(),
                  id -> {})
              .start()) {
        List<ClipMade> clips = committedClips(cluster, Duration.ofSeconds(60), 2);
        assertThat(clips)
            .extracting(c -> c.getEventId() + " " + c.getStatus())
            .containsExactlyInAnyOrder(
                "falls/cam-clip/8 " + ClipStatus.MADE,
                "falls/cam-gone/0 " + ClipStatus.FRAMES_GONE);
        ClipMade made =
            clips.stream().filter(c -> c.getStatus() == ClipStatus.MADE).findFirst().orElseThrow();
        ClipMade gone =
            clips.stream()
                .filter(c -> c.getStatus() == ClipStatus.FRAMES_GONE)
                .findFirst()
                .orElseThrow();
        assertThat(gone.getReason()).contains("cam-gone").contains("retention.ms");

        // one clip: three files, the record's hash is the file's
        try (Stream<Path> files = Files.list(settings.dir())) {
          assertThat(files.filter(f -> f.toString().endsWith(".mp4"))).hasSize(1);
        }
        ClipStore.Entry entry = store.find("falls/cam-clip/8").orElseThrow();
        Path mp4 = settings.dir().resolve(entry.name() + ".mp4");
        assertThat(made.getSha256()).isEqualTo(DirectoryClipStore.sha256(mp4));
        assertThat(made.getUri()).isEqualTo(entry.uri());
        assertThat(made.getSizeBytes()).isEqualTo(Files.size(mp4));

        // 24 frames of the episode, 5 before (0.5 s at 10 fps) and 5 after
        int[] size = new int[2];
        assertThat(decodedFrames(mp4, size)).isEqualTo(24 + 5 + 5);
        assertThat(size).containsExactly(WIDTH, HEIGHT);
        assertThat(made.getFrames()).isEqualTo(34);
        assertThat(made.getFirstSequence()).isEqualTo(3);
        assertThat(made.getLastSequence()).isEqualTo(36);
        assertThat(made.getDurationMillis()).isBetween(3300L, 3500L);
        BufferedImage thumb =
            ImageIO.read(new java.io.ByteArrayInputStream(store.thumbnail(entry)));
        assertThat(thumb.getWidth()).isEqualTo(WIDTH);
        assertThat(metrics.clips.labelValues("MADE").get()).isEqualTo(1.0);
      }
    }
  }

  /** Dead letters' sources and errors on {@code cluster}'s topic, read for {@code wait}. */
  static List<String> deadLetters(Cluster cluster, Duration wait) {
    Map<String, Object> cc = cluster.consumerConfig("it-letters-" + System.nanoTime());
    List<String> out = new ArrayList<>();
    try (KafkaConsumer<byte[], io.openmede.schemas.avro.DeadLetter> c =
        new KafkaConsumer<>(
            cc,
            new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
            cluster.topics().deadLetters().valueSerde().deserializer())) {
      c.subscribe(List.of(cluster.topics().deadLetters().name()));
      long end = System.nanoTime() + wait.toNanos();
      while (System.nanoTime() < end) {
        c.poll(Duration.ofMillis(200))
            .forEach(
                r ->
                    out.add(
                        r.value().getSourceTopic()
                            + "@"
                            + r.value().getOffset()
                            + " "
                            + r.value().getError()));
      }
    }
    return out;
  }

  /**
   * The running events service with clips on: a rule with a clip webhook gets, after the event's
   * own POST, a second one with the clip's link, hash and size under {@code <event id>#clip}; a
   * closed event whose clip record would be larger than the clips topic takes (a stream id of
   * 400,000 characters, which the record carries twice) is dead-lettered, and the next event's clip
   * is made and posted.
   */
  @Test
  void aClipWebhookGetsTheClipInASecondPost_andAClipRecordTooLargeForItsTopicIsDeadLettered(
      @TempDir Path dir) throws Exception {
    // topics of this test's own, so that the other test's episodes stay out of it
    Cluster hook =
        Cluster.of(
            io.openmede.schemas.topic.ConnectionSettings.local(
                platform.bootstrapServers(), platform.registryUrl()),
            new io.openmede.schemas.topic.TopicNames(
                "hook.frames",
                "hook.vocabulary",
                "hook.recognitions",
                "hook.labeled-clips",
                "hook.checkpoints",
                "hook.dead-letters",
                "hook.rules",
                "hook.events",
                "hook.feedback",
                "hook.clips"),
            1);
    hook.ensureTopics();
    List<String[]> received = new java.util.concurrent.CopyOnWriteArrayList<>();
    com.sun.net.httpserver.HttpServer receiver =
        com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 8);
    receiver.createContext(
        "/hook",
        x -> {
          try (x) {
            received.add(
                new String[] {
                  x.getRequestHeaders().getFirst("Idempotency-Key"),
                  new String(
                      x.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                });
            x.sendResponseHeaders(204, -1);
          }
        });
    receiver.start();
    try {
      Instant t0 = Instant.now().minusSeconds(20).truncatedTo(ChronoUnit.SECONDS);
      camera(hook, "cam-hook", t0, 60);
      rule(
          hook,
          AlertRule.newBuilder()
              .setName("hooked")
              .setLabel("falling")
              .setMinProbability(0.6)
              .setMinWindows(2)
              .setWebhooks(List.of("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook"))
              .setClipWebhook(true)
              .setUpdatedAt(Instant.now())
              .build());
      // a closed event the clip maker reads first: 800,000 characters fit the events topic, its
      // clip record (stream id in the key, the record and the reason) does not fit the clips topic
      String huge = "s".repeat(400_000);
      try (KafkaProducer<String, io.openmede.schemas.avro.Event> p =
          new KafkaProducer<>(
              hook.producerConfig("it-huge-event"),
              new StringSerializer(),
              hook.topics().events().valueSerde().serializer())) {
        p.send(
                new ProducerRecord<>(
                    hook.topics().events().name(),
                    "x",
                    io.openmede.schemas.avro.Event.newBuilder()
                        .setEventId("huge/" + huge + "/0")
                        .setRule("huge")
                        .setStreamId(huge)
                        .setLabel("falling")
                        .setState(io.openmede.schemas.avro.EventState.CLOSED)
                        .setFirstSequence(0)
                        .setLastSequence(7)
                        .setStartedAt(t0)
                        .setEndedAt(t0.plusMillis(700))
                        .setWindows(2)
                        .setPeakProbability(0.9)
                        .setSnapshotSequence(3)
                        .setEmittedAt(Instant.now())
                        .build()))
            .get();
      }
      ClipSettings settings =
          settings(dir, "it-clips-hook", Optional.of("http://page.example:8080"));
      EventsSettings events =
          new EventsSettings(
              "it-clips-hook-events",
              dir.resolve("events"),
              Duration.ofMillis(100),
              0,
              List.of("127.0.0.1"),
              1,
              Duration.ofSeconds(5));
      try (EventsService service =
          EventsService.start(
              hook,
              events,
              Optional.of(settings),
              Map.of(
                  "consumer.session.timeout.ms", 6000, "consumer.heartbeat.interval.ms", 1000))) {
        assertThat(service.awaitRunning(Duration.ofSeconds(60))).isTrue();
        Thread.sleep(1000); // the global store has the rule
        // windows 1..2 hold: the episode is frames 8..23
        recognitions(hook, "cam-hook", t0, 0.1, 0.9, 0.9, 0.1);

        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (received.stream().noneMatch(r -> r[0].endsWith("#clip"))
            && System.nanoTime() < end) {
          Thread.sleep(200);
        }
        Thread.sleep(1000); // a repeat would arrive now
        assertThat(received)
            .extracting(r -> r[0])
            .containsExactly("hooked/cam-hook/8", "hooked/cam-hook/8#clip");
        DirectoryClipStore store = new DirectoryClipStore(settings.dir(), settings.maxBytes());
        ClipStore.Entry entry = store.find("hooked/cam-hook/8").orElseThrow();
        Path mp4 = settings.dir().resolve(entry.name() + ".mp4");
        var clip = new com.fasterxml.jackson.databind.ObjectMapper().readTree(received.get(1)[1]);
        assertThat(clip.path("eventId").asText()).isEqualTo("hooked/cam-hook/8");
        assertThat(clip.path("state").asText()).isEqualTo("CLOSED");
        assertThat(clip.path("clip").path("status").asText()).isEqualTo("MADE");
        assertThat(clip.path("clip").path("url").asText())
            .isEqualTo("http://page.example:8080/api/clip-video?id=hooked%2Fcam-hook%2F8");
        assertThat(clip.path("clip").path("sha256").asText())
            .isEqualTo(DirectoryClipStore.sha256(mp4));
        assertThat(clip.path("clip").path("sizeBytes").asLong()).isEqualTo(Files.size(mp4));
        assertThat(clip.path("clip").path("frames").asInt()).isEqualTo(16 + 5 + 5);

        // the huge event: dead-lettered with the reason, no clip kept, no record
        assertThat(service.metrics().clips.labelValues("REFUSED").get()).isEqualTo(1.0);
        assertThat(store.list())
            .extracting(ClipStore.Entry::eventId)
            .containsExactly("hooked/cam-hook/8");
        assertThat(committedClips(hook, Duration.ofSeconds(5), 1))
            .extracting(ClipMade::getEventId)
            .containsExactly("hooked/cam-hook/8");
        assertThat(deadLetters(hook, Duration.ofSeconds(3)))
            .anyMatch(
                l ->
                    l.startsWith("hook.events@0 refused (too-large)")
                        && l.contains("larger than topic hook.clips takes"));
        assertThat(service.health().ready()).isTrue();
      }
    } finally {
      receiver.stop(0);
    }
  }
}
