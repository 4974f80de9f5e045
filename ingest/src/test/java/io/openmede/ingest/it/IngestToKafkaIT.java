package io.openmede.ingest.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.embedded.EmbeddedPlatform;
import io.openmede.ingest.command.IngestCommand;
import io.openmede.ingest.frame.FrameBatcher;
import io.openmede.ingest.source.TestVideos;
import io.openmede.schemas.avro.Frame;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.avro.LabeledClip;
import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.topic.Topic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The ingest commands against the embedded broker and schema registry: every frame arrives exactly
 * once and in order, batches split under a small message limit, and a dataset list with a missing
 * file still delivers the clips of the others.
 */
class IngestToKafkaIT {
  static EmbeddedPlatform platform;
  static Cluster cluster;

  @BeforeAll
  static void start() {
    platform = EmbeddedPlatform.startTemporary();
    cluster = Cluster.local(platform.bootstrapServers(), platform.registryUrl());
  }

  @AfterAll
  static void stop() {
    platform.close();
  }

  private static int ingest(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--bootstrap-servers", platform.bootstrapServers(),
            "--registry-url", platform.registryUrl()));
    return new CommandLine(new IngestCommand()).execute(all.toArray(String[]::new));
  }

  private static <V> List<ConsumerRecord<String, V>> readUntil(
      Topic<String, V> topic, Predicate<List<ConsumerRecord<String, V>>> done) {
    Map<String, Object> config = cluster.consumerConfig("it-" + System.nanoTime());
    List<ConsumerRecord<String, V>> records = new ArrayList<>();
    try (KafkaConsumer<String, V> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), topic.valueSerde().deserializer())) {
      consumer.subscribe(List.of(topic.name()));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!done.test(records) && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      // anything more (a duplicate) would arrive now
      consumer.poll(Duration.ofSeconds(1)).forEach(records::add);
    }
    return records;
  }

  @Test
  void ingestFile_smallMaxMessageSize_everyFrameArrivesOnceInOrder_inSplitBatches() {
    int max = 20_000;
    int rc =
        ingest(
            "file",
            TestVideos.path(TestVideos.TEST_AVI).toString(),
            "--stream-id",
            "it-cam",
            "--size",
            "160x120",
            "--max-message-bytes",
            Integer.toString(max));
    assertThat(rc).isZero();
    List<ConsumerRecord<String, FrameBatch>> records =
        readUntil(
            cluster.topics().frames(),
            r ->
                r.stream()
                        .filter(c -> c.key().equals("it-cam"))
                        .mapToInt(c -> c.value().getFrames().size())
                        .sum()
                    >= 164);
    records = records.stream().filter(c -> c.key().equals("it-cam")).toList();
    List<Long> sequences = new ArrayList<>();
    // a new stream on a partition other streams use starts at the wall clock (StreamResume)
    long batch = records.get(0).value().getBatchSequence();
    for (ConsumerRecord<String, FrameBatch> r : records) {
      assertThat(r.key()).isEqualTo("it-cam");
      assertThat(r.value().getBatchSequence()).isEqualTo(batch++);
      assertThat(r.serializedValueSize()).isLessThanOrEqualTo(max);
      assertThat((long) r.serializedValueSize()).isEqualTo(FrameBatcher.messageBytes(r.value()));
      assertThat(r.value().getWidth()).isEqualTo(160);
      for (Frame f : r.value().getFrames()) {
        sequences.add(f.getSequence());
      }
    }
    assertThat(sequences).hasSize(164);
    for (int i = 0; i < 164; i++) {
      assertThat(sequences.get(i)).isEqualTo(sequences.get(0) + i);
    }
    assertThat(records.size()).isGreaterThan(164 / 8); // the size limit split the batches
  }

  @Test
  void ingestRestarted_numbersGoOnAboveItsPreviousRun_soTheRecognizersDoNotDropThemAsRepeats() {
    for (int run = 0; run < 2; run++) {
      int rc =
          ingest(
              "file",
              TestVideos.path(TestVideos.TEST_AVI).toString(),
              "--stream-id",
              "it-restarted",
              "--size",
              "64x48");
      assertThat(rc).isZero();
    }
    List<ConsumerRecord<String, FrameBatch>> records =
        readUntil(
            cluster.topics().frames(),
            r ->
                r.stream()
                        .filter(c -> c.key().equals("it-restarted"))
                        .mapToInt(c -> c.value().getFrames().size())
                        .sum()
                    >= 2 * 164);
    records = records.stream().filter(c -> c.key().equals("it-restarted")).toList();
    List<Long> batches = records.stream().map(r -> r.value().getBatchSequence()).toList();
    List<Long> frames =
        records.stream()
            .flatMap(r -> r.value().getFrames().stream())
            .map(Frame::getSequence)
            .toList();
    assertThat(frames).hasSize(2 * 164);
    // one run after the other, numbered on without a repeat: batches 0.., frames 0..327
    assertThat(batches)
        .isEqualTo(java.util.stream.LongStream.range(0, batches.size()).boxed().toList());
    assertThat(frames).isEqualTo(java.util.stream.LongStream.range(0, 2 * 164).boxed().toList());
  }

  @Test
  void ingestList_missingVideo_isReported_andTheOthersArrive(@TempDir Path dir) throws Exception {
    Files.copy(TestVideos.path(TestVideos.TEST_AVI), dir.resolve("a.avi"));
    Files.copy(TestVideos.path(TestVideos.TEST_MP4), dir.resolve("b.mp4"));
    Path list = dir.resolve("list.txt");
    Files.writeString(list, "a.avi 0\nmissing.mp4 1\nb.mp4 1\n");
    Path labels = dir.resolve("labels.csv");
    Files.writeString(labels, "id,name\n0,arm wrestling\n1,juggling\n");
    int rc =
        ingest(
            "list", list.toString(),
            "--labels", labels.toString(),
            "--sampling", "segments:8",
            "--clips-per-video", "2",
            "--size", "112x112");
    assertThat(rc).isZero();
    List<ConsumerRecord<String, LabeledClip>> records =
        readUntil(
                cluster.topics().labeledClips(),
                r -> r.stream().filter(c -> !c.key().startsWith("synthetic-")).count() >= 4)
            .stream()
            .filter(c -> !c.key().startsWith("synthetic-"))
            .toList();
    assertThat(records)
        .extracting(ConsumerRecord::key)
        .containsExactlyInAnyOrder("a.avi#0", "a.avi#1", "b.mp4#0", "b.mp4#1");
    for (ConsumerRecord<String, LabeledClip> r : records) {
      assertThat(r.value().getFrames()).hasSize(8);
      assertThat(r.value().getLabel())
          .isEqualTo(r.key().startsWith("a.avi") ? "arm wrestling" : "juggling");
    }
  }

  @Test
  void ingestSynthetic_boundedCameras_sendEveryFrameOfEveryCameraInOrder() {
    int rc = ingest("synthetic", "--cameras", "2", "--frames", "20", "--fast", "--seed", "5");
    assertThat(rc).isZero();
    List<ConsumerRecord<String, FrameBatch>> records =
        readUntil(
            cluster.topics().frames(),
            r ->
                r.stream()
                        .filter(c -> c.key().startsWith("synthetic-"))
                        .mapToInt(c -> c.value().getFrames().size())
                        .sum()
                    >= 40);
    Map<String, List<Long>> byStream = new java.util.TreeMap<>();
    for (ConsumerRecord<String, FrameBatch> r : records) {
      if (r.key().startsWith("synthetic-")) {
        for (Frame f : r.value().getFrames()) {
          byStream.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(f.getSequence());
        }
      }
    }
    assertThat(byStream).containsOnlyKeys("synthetic-0", "synthetic-1");
    for (List<Long> got : byStream.values()) {
      long first = got.get(0);
      assertThat(got)
          .isEqualTo(java.util.stream.LongStream.range(first, first + 20).boxed().toList());
    }
  }

  @Test
  void ingestSyntheticLabeled_sendsTrainingClipsWithHeldOutOnesTagged() {
    int rc = ingest("synthetic", "--labeled", "--clips", "20", "--eval-every", "5", "--seed", "9");
    assertThat(rc).isZero();
    List<ConsumerRecord<String, LabeledClip>> records =
        readUntil(
            cluster.topics().labeledClips(),
            r -> r.stream().filter(c -> c.key().startsWith("synthetic-9-")).count() >= 20);
    List<LabeledClip> ours =
        records.stream()
            .filter(c -> c.key().startsWith("synthetic-9-"))
            .map(ConsumerRecord::value)
            .toList();
    assertThat(ours).hasSize(20);
    assertThat(ours).allSatisfy(c -> assertThat(c.getFrames()).hasSize(8));
    assertThat(ours.stream().filter(c -> !c.getSplit().equals("train")).count()).isEqualTo(4);
    assertThat(ours.stream().map(LabeledClip::getSplit).distinct())
        .containsAnyOf("base", "novel")
        .contains("train");
  }
}
