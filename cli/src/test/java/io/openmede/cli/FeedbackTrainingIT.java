package io.openmede.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.embedded.EmbeddedPlatform;
import io.openmede.ingest.feedback.LabelerService;
import io.openmede.ingest.feedback.LabelerSettings;
import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.FeedbackVerdict;
import io.openmede.schemas.avro.Frame;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.avro.FrameEncoding;
import io.openmede.schemas.avro.LabeledClip;
import io.openmede.schemas.feedback.FeedbackRecords;
import io.openmede.schemas.feedback.FeedbackWriter;
import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.values.Identifiers;
import io.openmede.schemas.values.InputBounds;
import io.openmede.settings.Settings;
import io.openmede.trainer.TrainerService;
import io.openmede.trainer.TrainerSettings;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corrections become training data, end to end on the embedded broker: JPEG frames of a stream on
 * the frames topic, a correction of each of its windows on the feedback topic, the labeler (in
 * process) making their clips, and the trainer (in process, tiny model) consuming them: its
 * feedback clip count reaches the number of corrections, and its checkpoint announcements carry the
 * accuracy on the held-out feedback windows.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class FeedbackTrainingIT {

  static final String STREAM = "cam-7";
  static final int WINDOWS = 12;
  static final int FRAMES = 8;

  @TempDir Path temp;

  @Test
  void correctionsAreTrainedOn_andTheHeldOutOnesAreReportedInTheAnnouncements() throws Exception {
    try (EmbeddedPlatform platform = EmbeddedPlatform.startTemporary()) {
      Cluster cluster = Cluster.local(platform.bootstrapServers(), platform.registryUrl());
      cluster.ensureTopics();
      sendFrames(cluster);
      Map<String, String> values = new HashMap<>();
      values.put("trainer.tasks-per-update", "1");
      values.put("trainer.batch-size", "2");
      values.put("trainer.gwa.snapshot-interval", "1");
      values.put("trainer.gwa.cycle-snapshots", "2");
      values.put("trainer.feedback.oversample", "2");
      values.put("trainer.progress.interval", "PT1S");
      values.put("trainer.state.dir", temp.resolve("state").toString());
      values.put("trainer.checkpoint.dir", temp.resolve("checkpoints").toString());
      TrainerSettings ts =
          TrainerSettings.from(
              Settings.of(List.of(TrainerSettings.GROUP, InputBounds.GROUP), values));
      try (LabelerService labeler =
              LabelerService.start(cluster, new LabelerSettings("it-labeler", 64, 50, 0));
          TrainerService trainer = TrainerService.create(ts, cluster, false);
          FeedbackWriter feedback =
              new FeedbackWriter(cluster.clientConfig(), cluster.topics().feedback(), "it")) {
        Thread run =
            new Thread(
                () -> {
                  try {
                    trainer.run();
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                },
                "it-trainer");
        run.setDaemon(true);
        run.start();
        try {
          for (int w = 0; w < WINDOWS; w++) {
            feedback.send(
                FeedbackRecords.build(
                    STREAM,
                    (long) w * FRAMES,
                    (long) w * FRAMES + FRAMES - 1,
                    Optional.of(Instant.now().minusSeconds(60)),
                    label(w),
                    FeedbackVerdict.CORRECT,
                    false,
                    "it"));
          }
          List<ConsumerRecord<String, LabeledClip>> clips =
              read(
                  cluster,
                  cluster.topics().labeledClips().name(),
                  cluster.topics().labeledClips().valueSerde().deserializer(),
                  l -> l.size() >= WINDOWS);
          assertThat(clips).hasSize(WINDOWS);
          long heldOut =
              clips.stream()
                  .filter(c -> c.value().getSplit().equals(Identifiers.FEEDBACK_EVAL_SPLIT))
                  .count();
          assertThat(heldOut).as("held-out windows").isBetween(1L, (long) WINDOWS - 4);

          // the trainer reads every clip, and a GWA checkpoint reports the held-out feedback
          List<ConsumerRecord<String, CheckpointAnnouncement>> announced =
              read(
                  cluster,
                  cluster.topics().checkpoints().name(),
                  cluster.topics().checkpoints().valueSerde().deserializer(),
                  l ->
                      l.stream()
                          .anyMatch(
                              a -> a.value().getMetrics().containsKey("eval.gwa.feedback.top1")));
          CheckpointAnnouncement a =
              announced.stream()
                  .map(ConsumerRecord::value)
                  .filter(v -> v.getMetrics().containsKey("eval.gwa.feedback.top1"))
                  .findFirst()
                  .orElseThrow(() -> new AssertionError("no announcement with eval.feedback.*"));
          // the held-out windows read by the time of that checkpoint (the trainer reads in order)
          assertThat(a.getMetrics().get("eval.feedback.clips")).isBetween(1.0, (double) heldOut);
          assertThat(a.getMetrics().get("eval.feedback.top1")).isBetween(0.0, 1.0);
          assertThat(a.getTraining().getUpdates()).isGreaterThanOrEqualTo(2);
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
          while (trainer.metrics().feedbackClips.get() < WINDOWS && System.nanoTime() < deadline) {
            Thread.sleep(200);
          }
          assertThat(trainer.metrics().feedbackClips.get()).isEqualTo((double) WINDOWS);
          assertThat(trainer.health().live()).isTrue();
        } finally {
          trainer.stop(Duration.ofSeconds(30));
        }
      }
    }
  }

  static String label(int window) {
    return window % 2 == 0 ? "waving" : "sitting down";
  }

  /** One batch of 8 JPEG frames per window, reddish for waving, bluish for sitting down. */
  static void sendFrames(Cluster cluster) throws Exception {
    Random random = new Random(7);
    try (KafkaProducer<String, FrameBatch> p =
        new KafkaProducer<>(
            cluster.producerConfig("it-frames"),
            new StringSerializer(),
            cluster.topics().frames().valueSerde().serializer())) {
      for (int w = 0; w < WINDOWS; w++) {
        List<Frame> frames = new ArrayList<>();
        for (int i = 0; i < FRAMES; i++) {
          long seq = (long) w * FRAMES + i;
          BufferedImage img = new BufferedImage(32, 24, BufferedImage.TYPE_INT_RGB);
          for (int y = 0; y < 24; y++) {
            for (int x = 0; x < 32; x++) {
              int n = random.nextInt(40);
              img.setRGB(
                  x,
                  y,
                  w % 2 == 0 ? ((200 + n) << 16) | (n << 8) | n : (n << 16) | (n << 8) | (200 + n));
            }
          }
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          ImageIO.write(img, "jpg", out);
          frames.add(
              new Frame(seq, Instant.now().minusSeconds(30), ByteBuffer.wrap(out.toByteArray())));
        }
        p.send(
                new ProducerRecord<>(
                    cluster.topics().frames().name(),
                    STREAM,
                    new FrameBatch(STREAM, (long) w, 32, 24, FrameEncoding.JPEG, frames, "it")))
            .get();
      }
    }
  }

  static <V> List<ConsumerRecord<String, V>> read(
      Cluster cluster,
      String topic,
      Deserializer<V> values,
      Predicate<List<ConsumerRecord<String, V>>> done) {
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
      long end = System.nanoTime() + Duration.ofSeconds(240).toNanos();
      while (!done.test(out) && System.nanoTime() < end) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }
}
