package io.openmede.ingest.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.embedded.EmbeddedPlatform;
import io.openmede.ingest.feedback.LabelerService;
import io.openmede.ingest.feedback.LabelerSettings;
import io.openmede.schemas.avro.DeadLetter;
import io.openmede.schemas.avro.Feedback;
import io.openmede.schemas.avro.FeedbackVerdict;
import io.openmede.schemas.avro.Frame;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.avro.FrameEncoding;
import io.openmede.schemas.avro.LabeledClip;
import io.openmede.schemas.topic.Cluster;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The labeler on the embedded broker: a correction of a window becomes a labeled clip whose frames
 * are the window's frames byte for byte; a repeated correction gives the same clip id; a correction
 * of frames the topic no longer keeps, or of an unknown stream, is refused with the reason in dead
 * letters.
 */
class LabelerIT {
  static EmbeddedPlatform platform;
  static Cluster cluster;

  @BeforeAll
  static void start() {
    platform = EmbeddedPlatform.startTemporary();
    cluster = Cluster.local(platform.bootstrapServers(), platform.registryUrl());
    cluster.ensureTopics();
  }

  @AfterAll
  static void stop() {
    platform.close();
  }

  /** 4 batches of 8 frames of random bytes (as JPEG would be), frames 0..31. */
  static List<byte[]> sendFrames(String stream) throws Exception {
    Random random = new Random(stream.hashCode());
    List<byte[]> all = new ArrayList<>();
    try (KafkaProducer<String, FrameBatch> p =
        new KafkaProducer<>(
            cluster.producerConfig("it-frames"),
            new StringSerializer(),
            cluster.topics().frames().valueSerde().serializer())) {
      for (int b = 0; b < 4; b++) {
        List<Frame> frames = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          byte[] data = new byte[500 + random.nextInt(500)];
          random.nextBytes(data);
          all.add(data);
          long seq = 8L * b + i;
          frames.add(
              new Frame(seq, Instant.now().minusMillis(4000 - 125 * seq), ByteBuffer.wrap(data)));
        }
        p.send(
                new ProducerRecord<>(
                    cluster.topics().frames().name(),
                    stream,
                    new FrameBatch(stream, (long) b, 32, 24, FrameEncoding.JPEG, frames, "it")))
            .get();
      }
    }
    return all;
  }

  static void sendFeedback(String stream, long first, long last, String label) throws Exception {
    sendFeedback(stream, first, last, label, false);
  }

  static void sendFeedback(String stream, long first, long last, String label, boolean add)
      throws Exception {
    try (KafkaProducer<String, Feedback> p =
        new KafkaProducer<>(
            cluster.producerConfig("it-feedback"),
            new StringSerializer(),
            cluster.topics().feedback().valueSerde().serializer())) {
      p.send(
              new ProducerRecord<>(
                  cluster.topics().feedback().name(),
                  stream,
                  Feedback.newBuilder()
                      .setStreamId(stream)
                      .setFirstSequence(first)
                      .setLastSequence(last)
                      .setFirstCaptureTime(Instant.now().minusSeconds(10).toEpochMilli())
                      .setLabel(label)
                      .setVerdict(FeedbackVerdict.CORRECT)
                      .setAddToVocabulary(add)
                      .setSender("it")
                      .setSentAt(Instant.now())
                      .build()))
          .get();
    }
  }

  static <V> List<ConsumerRecord<String, V>> read(
      String topic, org.apache.kafka.common.serialization.Deserializer<V> values, int atLeast) {
    return read(topic, values, l -> l.size() >= atLeast);
  }

  static <V> List<ConsumerRecord<String, V>> read(
      String topic,
      org.apache.kafka.common.serialization.Deserializer<V> values,
      java.util.function.Predicate<List<ConsumerRecord<String, V>>> done) {
    Map<String, Object> cc = cluster.consumerConfig("it-reader");
    cc.remove("group.id");
    List<ConsumerRecord<String, V>> out = new ArrayList<>();
    try (KafkaConsumer<String, V> c = new KafkaConsumer<>(cc, new StringDeserializer(), values)) {
      List<TopicPartition> parts =
          c.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!done.test(out) && System.nanoTime() < end) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      c.poll(Duration.ofMillis(500)).forEach(out::add);
    }
    return out;
  }

  @Test
  void aCorrectionBecomesAClipOfTheWindowsFramesByteForByte_repeatsKeepTheId_expiredIsRefused()
      throws Exception {
    List<byte[]> frames = sendFrames("cam-1");
    try (LabelerService labeler =
        LabelerService.start(cluster, new LabelerSettings("it-labeler", 64, 0, 0))) {
      sendFeedback("cam-1", 10, 17, "falling");
      sendFeedback("cam-1", 10, 17, "tripping"); // a second opinion on the same window
      List<ConsumerRecord<String, LabeledClip>> clips =
          read(
              cluster.topics().labeledClips().name(),
              cluster.topics().labeledClips().valueSerde().deserializer(),
              2);
      assertThat(clips).hasSize(2);
      String id = io.openmede.schemas.values.Identifiers.feedbackClipId("cam-1", 10, 17);
      assertThat(clips).extracting(ConsumerRecord::key).containsOnly(id);
      LabeledClip clip = clips.get(0).value();
      assertThat(clip.getLabel()).isEqualTo("falling");
      assertThat(clips.get(1).value().getLabel()).isEqualTo("tripping");
      assertThat(clip.getSource()).isEqualTo("feedback:cam-1:10-17");
      assertThat(clip.getSplit()).isEqualTo("train");
      assertThat(clip.getFrames()).hasSize(8);
      for (int i = 0; i < 8; i++) {
        ByteBuffer b = clip.getFrames().get(i);
        byte[] got = new byte[b.remaining()];
        b.duplicate().get(got);
        assertThat(got).as("frame " + (10 + i)).isEqualTo(frames.get(10 + i));
      }

      // retention removes the first batches: a correction of them is refused with the reason
      TopicPartition tp = partitionOf("cam-1");
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", platform.bootstrapServers()))) {
        long end =
            admin
                .listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.latest()))
                .partitionResult(tp)
                .get()
                .offset();
        admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(end - 1))).all().get();
      }
      sendFeedback("cam-1", 0, 7, "falling");
      sendFeedback("cam-9", 0, 7, "falling");
      sendFeedback("cam-1", 0, 500, "falling");
      List<ConsumerRecord<String, DeadLetter>> letters =
          read(
              cluster.topics().deadLetters().name(),
              cluster.topics().deadLetters().valueSerde().deserializer(),
              l -> l.stream().filter(d -> ofThisTest(d.value().getError())).count() >= 3);
      List<String> errors =
          letters.stream().map(l -> l.value().getError()).filter(LabelerIT::ofThisTest).toList();
      assertThat(errors)
          .anyMatch(e -> e.startsWith("refused (expired)") && e.contains("retention.ms"))
          .anyMatch(e -> e.startsWith("refused (unknown-stream)") && e.contains("cam-9"))
          .anyMatch(e -> e.startsWith("refused (range)") && e.contains("labeler.max-frames"));
      assertThat(labeler.health().live()).isTrue();
    }
  }

  static boolean ofThisTest(String error) {
    return error.contains("cam-") || error.contains("labeler.max-frames");
  }

  @Test
  void aCorrectionAskingForItsLabel_addsItToTheVocabularyOnce_andLeavesALabelThatIsThere()
      throws Exception {
    sendFrames("cam-2");
    try (io.openmede.schemas.vocabulary.VocabularyWriter vocabulary =
        new io.openmede.schemas.vocabulary.VocabularyWriter(
            cluster.clientConfig(), cluster.topics().vocabulary(), "it-vocabulary")) {
      vocabulary.add("waving", List.of("a person {}."));
    }
    try (LabelerService labeler =
        LabelerService.start(cluster, new LabelerSettings("it-labeler-vocab", 64, 0, 0))) {
      sendFeedback("cam-2", 0, 7, "sitting down", true);
      sendFeedback("cam-2", 8, 15, "sitting down", true);
      sendFeedback("cam-2", 16, 23, "waving", true);
      sendFeedback("cam-2", 24, 31, "standing up", false);
      List<ConsumerRecord<String, LabeledClip>> clips =
          read(
              cluster.topics().labeledClips().name(),
              cluster.topics().labeledClips().valueSerde().deserializer(),
              l -> l.stream().filter(c -> c.key().startsWith("feedback:cam-2:")).count() >= 4);
      assertThat(clips.stream().filter(c -> c.key().startsWith("feedback:cam-2:")).count())
          .isEqualTo(4);
      List<ConsumerRecord<String, io.openmede.schemas.avro.VocabularyEntry>> vocab =
          read(
              cluster.topics().vocabulary().name(),
              cluster.topics().vocabulary().valueSerde().deserializer(),
              2);
      assertThat(vocab)
          .extracting(ConsumerRecord::key)
          .containsExactlyInAnyOrder("waving", "sitting down");
      // the label that was there keeps its own prompts; the new one has the default set
      assertThat(
              vocab.stream()
                  .filter(v -> v.key().equals("waving"))
                  .findFirst()
                  .orElseThrow()
                  .value()
                  .getPrompts())
          .containsExactly("a person {}.");
      assertThat(
              vocab.stream()
                  .filter(v -> v.key().equals("sitting down"))
                  .findFirst()
                  .orElseThrow()
                  .value()
                  .getPrompts())
          .isEmpty();
      assertThat(
              labeler.registry().scrape().stream()
                  .filter(
                      m -> m.getMetadata().getName().equals("openmede_labeler_vocabulary_added"))
                  .findFirst()
                  .orElseThrow()
                  .getDataPoints())
          .hasSize(1);
    }
  }

  @Test
  void aBurstOfFeedbackForUnknownStreams_isRefusedByOneReader_thatNeverScansFromThePartitionsStart()
      throws Exception {
    // 200 old batches (two hours ago) in the partition of old-cam
    TopicPartition oldPartition = partitionOf("old-cam");
    try (KafkaProducer<String, FrameBatch> p =
        new KafkaProducer<>(
            cluster.producerConfig("it-old-frames"),
            new StringSerializer(),
            cluster.topics().frames().valueSerde().serializer())) {
      long then = Instant.now().minus(Duration.ofHours(2)).toEpochMilli();
      for (int b = 0; b < 200; b++) {
        List<Frame> frames = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          frames.add(
              new Frame(
                  8L * b + i,
                  Instant.ofEpochMilli(then + 125 * (8L * b + i)),
                  ByteBuffer.allocate(64)));
        }
        p.send(
            new ProducerRecord<>(
                cluster.topics().frames().name(),
                null,
                then + 1000L * b,
                "old-cam",
                new FrameBatch("old-cam", (long) b, 32, 24, FrameEncoding.JPEG, frames, "it")));
      }
      p.flush();
    }
    List<String> ghosts = new ArrayList<>();
    for (int i = 0; ghosts.size() < 35; i++) {
      if (partitionOf("ghost-" + i).equals(oldPartition)) {
        ghosts.add("ghost-" + i);
      }
    }
    try (LabelerService labeler =
            LabelerService.start(cluster, new LabelerSettings("it-labeler-burst", 64, 0, 0));
        KafkaProducer<String, Feedback> p =
            new KafkaProducer<>(
                cluster.producerConfig("it-feedback"),
                new StringSerializer(),
                cluster.topics().feedback().valueSerde().serializer())) {
      long readBefore = labeler.frameRecordsRead();
      long start = System.nanoTime();
      for (int i = 0; i < ghosts.size(); i++) {
        p.send(
            new ProducerRecord<>(
                cluster.topics().feedback().name(),
                ghosts.get(i),
                Feedback.newBuilder()
                    .setStreamId(ghosts.get(i))
                    .setFirstSequence(0)
                    .setLastSequence(7)
                    // 30 without a capture time, 5 that claim the epoch
                    .setFirstCaptureTime(i < 30 ? null : 0L)
                    .setLabel("falling")
                    .setVerdict(FeedbackVerdict.CORRECT)
                    .setAddToVocabulary(false)
                    .setSender("it")
                    .setSentAt(Instant.now())
                    .build()));
      }
      p.flush();
      List<ConsumerRecord<String, DeadLetter>> letters =
          read(
              cluster.topics().deadLetters().name(),
              cluster.topics().deadLetters().valueSerde().deserializer(),
              l ->
                  l.stream().filter(d -> d.value().getError().contains("ghost-")).count()
                      >= ghosts.size());
      double seconds = (System.nanoTime() - start) / 1e9;
      assertThat(
              letters.stream()
                  .filter(d -> d.value().getError().startsWith("refused (unknown-stream)"))
                  .filter(d -> d.value().getError().contains("ghost-")))
          .hasSize(ghosts.size());
      long read = labeler.frameRecordsRead() - readBefore;
      System.out.printf(
          "%d feedback records for unknown streams refused in %.1f s, reading %d frame records"
              + " with %d reader(s)%n",
          ghosts.size(), seconds, read, labeler.frameReadersOpened());
      assertThat(labeler.frameReadersOpened()).isEqualTo(1);
      // from the start, each would go through the 200 old batches at least
      assertThat(read).isLessThan(30 * 50 + 5 * 100);
      assertThat(labeler.health().live()).isTrue();
    }
  }

  static TopicPartition partitionOf(String stream) {
    int n = cluster.topics().frames().partitions();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", platform.bootstrapServers()))) {
      n =
          admin
              .describeTopics(List.of(cluster.topics().frames().name()))
              .allTopicNames()
              .get()
              .get(cluster.topics().frames().name())
              .partitions()
              .size();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    byte[] key = stream.getBytes(StandardCharsets.UTF_8);
    return new TopicPartition(
        cluster.topics().frames().name(),
        org.apache.kafka.common.utils.Utils.toPositive(
                org.apache.kafka.common.utils.Utils.murmur2(key))
            % n);
  }
}
