package io.openmede.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.embedded.EmbeddedPlatform;
import io.openmede.model.ClipConfig;
import io.openmede.model.ClipModel;
import io.openmede.model.ComputeDevice;
import io.openmede.recognizer.RecognizerService;
import io.openmede.recognizer.RecognizerSettings;
import io.openmede.recognizer.process.RecognizerProcess;
import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.CheckpointStatus;
import io.openmede.schemas.avro.FrameEncoding;
import io.openmede.schemas.avro.LabeledClip;
import io.openmede.schemas.avro.VocabularyEntry;
import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.topic.ConnectionSettings;
import io.openmede.schemas.values.InputBounds;
import io.openmede.settings.Settings;
import io.openmede.trainer.TrainerService;
import io.openmede.trainer.TrainerSettings;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gate end to end on the embedded broker (issue 32's must-show): the real trainer service (tiny
 * model from the bundled pretrained weights, plain fine-tuning) and a real recognizer service
 * following the checkpoints topic, both from the same pretrained weights. Fed shuffled labels
 * (every clip's label replaced by the next label, a consistent permutation: a poisoned stream), the
 * trainer publishes only held-back checkpoints, and the recognizer refuses them and keeps serving
 * its model; fed the same clips with their true labels afterwards, the same trainer gets a
 * checkpoint promoted, and the recognizer installs it.
 *
 * <p>Deterministic: seeded clips, seeded weights, one partition (the trainer reads in the order
 * written), and the trainer's checkpoints depend only on that order.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class GateIT {

  static final List<String> LABELS = List.of("waving", "jumping", "clapping");
  static final int VIDEOS = 24; // held out as themselves, with their true labels
  static final int UPDATES_PER_CHECKPOINT = 20; // of 2·N·B = 4 clips each

  @TempDir Path temp;

  @Test
  void shuffledLabels_onlyHeldBackAndTheRecognizerKeepsItsModel_goodClips_promotedAndInstalled()
      throws Exception {
    long started = System.nanoTime();
    try (EmbeddedPlatform platform = EmbeddedPlatform.startTemporary()) {
      Cluster cluster = Cluster.local(platform.bootstrapServers(), platform.registryUrl());
      cluster.ensureTopics();
      for (String l : LABELS) {
        addLabel(cluster, l);
      }
      Path checkpoints = temp.resolve("checkpoints");
      // both start from the same seeded random tiny model
      Path initial = checkpoints.resolve("tiny-seed-5.safetensors");
      java.nio.file.Files.createDirectories(checkpoints);
      try (ClipModel m = ClipModel.random(ClipConfig.preset("tiny"), 5, ComputeDevice.CPU)) {
        m.saveSafetensors(initial);
      }
      try (RecognizerService recognizer =
              RecognizerService.start(
                  cluster,
                  recognizerSettings(platform, checkpoints, initial),
                  RecognizerProcess.QUICK_FAILOVER);
          TrainerService trainer =
              TrainerService.create(trainerSettings(checkpoints, initial), cluster, false);
          KafkaProducer<String, LabeledClip> clips =
              new KafkaProducer<>(
                  cluster.producerConfig("gate-it-clips"),
                  new StringSerializer(),
                  cluster.topics().labeledClips().valueSerde().serializer())) {
        assertThat(recognizer.awaitRunning(Duration.ofSeconds(60))).isTrue();
        String serving = recognizer.servingVersion();
        Set<String> seenServing = ConcurrentHashMap.newKeySet();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(
            () -> seenServing.add(recognizer.servingVersion()), 0, 20, TimeUnit.MILLISECONDS);
        trainer.startLoop();
        for (int i = 0; i < VIDEOS; i++) {
          send(clips, cluster, clip("held-" + i, i, i, LABELS.get(i % 3), "eval"));
        }

        // 1. shuffled labels: two checkpoints, both held back, neither installed
        for (int i = 0; i < 2 * UPDATES_PER_CHECKPOINT * 4; i++) {
          int v = i % VIDEOS;
          send(clips, cluster, clip("bad-" + i, v, 10_000 + i, LABELS.get((v + 1) % 3), "train"));
        }
        clips.flush();
        List<CheckpointAnnouncement> bad = announcements(cluster, l -> l.size() >= 2);
        assertThat(bad).hasSize(2);
        for (CheckpointAnnouncement a : bad) {
          assertThat(a.getStatus()).as(a.getVersion()).isEqualTo(CheckpointStatus.HELD_BACK);
          assertThat(a.getGate().getReason()).contains("worse than the serving model");
          Map<String, Double> f = a.getGate().getFigures();
          assertThat(f.get("base.videos")).isEqualTo((double) VIDEOS);
          assertThat(f.get("base.candidate.top1")).isLessThan(f.get("base.serving.top1"));
          System.out.printf("GATE-IT held back %s: %s%n", a.getVersion(), a.getGate().getReason());
        }
        // the follower reads a new record within a poll (200 ms) and installs within seconds;
        // whatever it does with the held-back ones, it never installs them (checked again below:
        // one install in all, and the versions seen serving)
        Thread.sleep(3000);
        assertThat(recognizer.servingVersion()).isEqualTo(serving);
        assertThat(recognizer.metrics().checkpointsInstalled.get()).isZero();

        // 2. the same trainer on the same clips with their true labels, until one is promoted
        int sent = 0;
        List<CheckpointAnnouncement> all = bad;
        while (all.stream().noneMatch(a -> a.getStatus() == CheckpointStatus.PROMOTED)
            && sent < 6 * UPDATES_PER_CHECKPOINT * 4) {
          for (int i = 0; i < UPDATES_PER_CHECKPOINT * 4; i++, sent++) {
            int v = sent % VIDEOS;
            send(
                clips, cluster, clip("good-" + sent, v, 20_000 + sent, LABELS.get(v % 3), "train"));
          }
          clips.flush();
          int expected = all.size() + 1;
          all = announcements(cluster, l -> l.size() >= expected);
        }
        List<CheckpointAnnouncement> published = all;
        CheckpointAnnouncement good =
            published.stream()
                .filter(a -> a.getStatus() == CheckpointStatus.PROMOTED)
                .findFirst()
                .orElseThrow(
                    () -> new AssertionError("no checkpoint promoted: " + reasons(published)));
        System.out.printf(
            "GATE-IT promoted %s after %d good clips: %s%n",
            good.getVersion(), sent, good.getGate().getReason());
        Map<String, Double> f = good.getGate().getFigures();
        assertThat(f.get("base.candidate.top1")).isGreaterThan(f.get("base.serving.top1"));
        // compared with what serves: the starting weights, not a held-back candidate
        assertThat(good.getGate().getServingVersion())
            .isEqualTo(bad.get(0).getGate().getServingVersion());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        // the slot serves the new version a moment before the install is counted
        while ((!recognizer.servingVersion().equals(good.getVersion())
                || recognizer.metrics().checkpointsInstalled.get() < 1)
            && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
        assertThat(recognizer.servingVersion()).isEqualTo(good.getVersion());
        assertThat(recognizer.metrics().checkpointsInstalled.get()).isEqualTo(1.0);
        sampler.shutdownNow();
        assertThat(seenServing).containsExactlyInAnyOrder(serving, good.getVersion());
        trainer.stop(Duration.ofSeconds(30));
      }
    }
    System.out.printf("GATE-IT took %.1f s%n", (System.nanoTime() - started) / 1e9);
  }

  private static String reasons(List<CheckpointAnnouncement> all) {
    StringBuilder b = new StringBuilder();
    for (CheckpointAnnouncement a : all) {
      b.append('\n').append(a.getVersion()).append(' ').append(a.getStatus()).append(": ");
      b.append(a.getGate() == null ? "-" : a.getGate().getReason());
    }
    return b.toString();
  }

  private TrainerSettings trainerSettings(Path checkpoints, Path weights) {
    Map<String, String> v = new HashMap<>();
    v.put("trainer.model.weights", weights.toString());
    v.put("trainer.method", "plain");
    v.put("trainer.tasks-per-update", "1");
    v.put("trainer.batch-size", "2");
    v.put("trainer.frames", "2");
    v.put("trainer.delta", "1");
    v.put("trainer.lr.peak", "1e-2");
    v.put("trainer.lr.final", "1e-2");
    v.put("trainer.lr.warmup-updates", "0");
    v.put("trainer.lr.total-updates", "1000");
    // plain fine-tuning publishes θ every snapshot-interval × cycle-snapshots updates
    v.put("trainer.gwa.snapshot-interval", Integer.toString(UPDATES_PER_CHECKPOINT / 2));
    v.put("trainer.gwa.cycle-snapshots", "2");
    v.put("trainer.vocabulary", String.join(",", LABELS));
    v.put("trainer.model.seed", "5");
    v.put("trainer.eval.enabled", "true");
    v.put("trainer.state.interval", "1000");
    v.put("trainer.progress.interval", "PT1S");
    v.put("trainer.state.dir", temp.resolve("trainer-state").toString());
    v.put("trainer.checkpoint.dir", checkpoints.toString());
    return TrainerSettings.from(Settings.of(List.of(TrainerSettings.GROUP, InputBounds.GROUP), v));
  }

  private RecognizerSettings recognizerSettings(
      EmbeddedPlatform platform, Path checkpoints, Path weights) {
    Map<String, String> v = new HashMap<>();
    v.put(RecognizerSettings.WEIGHTS.name(), weights.toString());
    v.put(ConnectionSettings.BOOTSTRAP_SERVERS.name(), platform.bootstrapServers());
    v.put(ConnectionSettings.REGISTRY_URL.name(), platform.registryUrl());
    v.put(RecognizerSettings.APPLICATION_ID.name(), "gate-it-recognizer");
    v.put(RecognizerSettings.STATE_DIR.name(), temp.resolve("recognizer-state").toString());
    v.put(RecognizerSettings.CHECKPOINT_CACHE.name(), temp.resolve("recognizer-cache").toString());
    v.put(RecognizerSettings.CHECKPOINT_ROOTS.name(), checkpoints.toString());
    v.put(RecognizerSettings.WINDOW_FRAMES.name(), "4");
    v.put(RecognizerSettings.WINDOW_HOP.name(), "4");
    return RecognizerSettings.from(Settings.of(RecognizerSettings.SERVICE_GROUPS, v));
  }

  /**
   * Two 16x16 RGB frames of noise in the colour of {@code video}'s action (red, green or blue by
   * {@code video % 3}): the action can be learned from the clips, and a held-out clip is a new
   * draw, not a copy of a training clip.
   */
  static LabeledClip clip(String id, int video, long seed, String label, String split) {
    Random r = new Random(seed);
    int channel = video % 3;
    List<ByteBuffer> frames = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      byte[] b = new byte[16 * 16 * 3];
      for (int i = 0; i < b.length; i++) {
        b[i] = (byte) (i % 3 == channel ? 150 + r.nextInt(100) : r.nextInt(100));
      }
      frames.add(ByteBuffer.wrap(b));
    }
    return LabeledClip.newBuilder()
        .setClipId(id)
        .setLabel(label)
        .setWidth(16)
        .setHeight(16)
        .setEncoding(FrameEncoding.RGB)
        .setFrames(frames)
        .setSource("gate-it")
        .setSplit(split)
        .build();
  }

  static void send(KafkaProducer<String, LabeledClip> p, Cluster cluster, LabeledClip c) {
    p.send(new ProducerRecord<>(cluster.topics().labeledClips().name(), c.getClipId(), c));
  }

  static void addLabel(Cluster cluster, String label) throws Exception {
    try (KafkaProducer<String, VocabularyEntry> p =
        new KafkaProducer<>(
            cluster.producerConfig("gate-it-vocab"),
            new StringSerializer(),
            cluster.topics().vocabulary().valueSerde().serializer())) {
      p.send(
              new ProducerRecord<>(
                  cluster.topics().vocabulary().name(),
                  label,
                  new VocabularyEntry(label, List.of(), true, Instant.now())))
          .get();
    }
  }

  /** Every announcement on the checkpoints topic, read from its start until {@code done}. */
  static List<CheckpointAnnouncement> announcements(
      Cluster cluster, Predicate<List<CheckpointAnnouncement>> done) {
    Map<String, Object> cc = cluster.consumerConfig("gate-it-reader");
    cc.remove("group.id");
    List<CheckpointAnnouncement> out = new ArrayList<>();
    String topic = cluster.topics().checkpoints().name();
    try (KafkaConsumer<String, CheckpointAnnouncement> c =
        new KafkaConsumer<>(
            cc,
            new StringDeserializer(),
            cluster.topics().checkpoints().valueSerde().deserializer())) {
      List<TopicPartition> parts =
          c.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (!done.test(out) && System.nanoTime() < end) {
        for (ConsumerRecord<String, CheckpointAnnouncement> r : c.poll(Duration.ofMillis(200))) {
          out.add(r.value());
        }
      }
    }
    return out;
  }
}
