package io.openmede.recognizer.it;

import io.openmede.recognizer.RecognizerService;
import io.openmede.recognizer.RecognizerSettings;
import io.openmede.recognizer.process.RecognizerProcess;
import io.openmede.recognizer.testing.Frames;
import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.DeadLetter;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.avro.FrameEncoding;
import io.openmede.schemas.avro.Recognition;
import io.openmede.schemas.avro.VocabularyEntry;
import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.topic.ConnectionSettings;
import io.openmede.settings.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One recognizer deployment on the embedded platform for integration tests: its own topic names
 * (prefix), application id and state directory; produces frames, vocabulary and checkpoint
 * announcements; reads committed recognitions.
 */
public final class RecognizerHarness implements AutoCloseable {

  /** Settings that make exactly-once quick to observe in tests (as in a recognizer process). */
  public static final Map<String, Object> STREAMS_OVERRIDES = RecognizerProcess.QUICK_FAILOVER;

  final Map<String, String> values = new LinkedHashMap<>();
  final Cluster cluster;
  private final KafkaProducer<String, FrameBatch> frames;
  private final KafkaConsumer<String, Recognition> recognitions;

  public RecognizerHarness(String bootstrap, String registry, String prefix, Path stateDir) {
    values.put(ConnectionSettings.BOOTSTRAP_SERVERS.name(), bootstrap);
    values.put(ConnectionSettings.REGISTRY_URL.name(), registry);
    values.put(Cluster.FRAMES.name(), prefix + ".frames");
    values.put(Cluster.VOCABULARY.name(), prefix + ".vocabulary");
    values.put(Cluster.RECOGNITIONS.name(), prefix + ".recognitions");
    values.put(Cluster.LABELED_CLIPS.name(), prefix + ".labeled-clips");
    values.put(Cluster.CHECKPOINTS.name(), prefix + ".checkpoints");
    values.put(Cluster.DEAD_LETTERS.name(), prefix + ".dead-letters");
    values.put(Cluster.PARTITIONS.name(), "2");
    values.put(RecognizerSettings.APPLICATION_ID.name(), prefix + "-recognizer");
    values.put(RecognizerSettings.STATE_DIR.name(), stateDir.resolve("state").toString());
    values.put(RecognizerSettings.CHECKPOINT_CACHE.name(), stateDir.resolve("ckpt").toString());
    values.put(RecognizerSettings.CHECKPOINT_ROOTS.name(), stateDir.toString());
    values.put(RecognizerSettings.WINDOW_FRAMES.name(), "4");
    values.put(RecognizerSettings.WINDOW_HOP.name(), "4");
    values.put(RecognizerSettings.MAX_BATCH_SIZE.name(), "4");
    values.put(RecognizerSettings.MAX_BATCH_DELAY.name(), "20ms");
    values.put(RecognizerSettings.COMMIT_INTERVAL.name(), "150ms");
    values.put(RecognizerSettings.TOP_K.name(), "3");
    cluster = Cluster.from(settings());
    cluster.ensureTopics();
    Map<String, Object> pc = cluster.producerConfig(prefix + "-frames");
    pc.put("max.request.size", cluster.topics().frames().maxMessageBytes());
    frames =
        new KafkaProducer<>(
            pc, new StringSerializer(), cluster.topics().frames().valueSerde().serializer());
    Map<String, Object> cc = cluster.consumerConfig(prefix + "-reader");
    cc.remove("group.id");
    recognitions =
        new KafkaConsumer<>(
            cc,
            new StringDeserializer(),
            cluster.topics().recognitions().valueSerde().deserializer());
    String topic = cluster.topics().recognitions().name();
    List<TopicPartition> parts = new ArrayList<>();
    for (int p = 0; p < cluster.topics().recognitions().partitions(); p++) {
      parts.add(new TopicPartition(topic, p));
    }
    recognitions.assign(parts);
    recognitions.seekToBeginning(parts);
  }

  /** Reads the dead letters written so far (from the start of the topic), for {@code wait}. */
  public List<DeadLetter> deadLetters(Duration wait) {
    Map<String, Object> cc = cluster.consumerConfig("dead-letter-reader");
    cc.remove("group.id");
    List<DeadLetter> out = new ArrayList<>();
    try (KafkaConsumer<byte[], DeadLetter> c =
        new KafkaConsumer<>(
            cc,
            new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
            cluster.topics().deadLetters().valueSerde().deserializer())) {
      String topic = cluster.topics().deadLetters().name();
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

  /** Overrides one setting for the services started afterwards. */
  public RecognizerHarness set(String name, String value) {
    values.put(name, value);
    return this;
  }

  /** The resolved settings of this deployment. */
  public Settings settings() {
    return Settings.of(RecognizerSettings.SERVICE_GROUPS, values);
  }

  /** The settings as {@code name=value} arguments (for a recognizer in another process). */
  public List<String> settingsArgs() {
    return values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
  }

  /** Starts an in-process recognizer. */
  public RecognizerService startService() throws Exception {
    RecognizerService s =
        RecognizerService.start(cluster, RecognizerSettings.from(settings()), STREAMS_OVERRIDES);
    if (!s.awaitRunning(Duration.ofSeconds(60))) {
      s.close();
      throw new IllegalStateException("recognizer did not reach RUNNING");
    }
    return s;
  }

  /** Sends frames {@code 4b..4b+3} of {@code stream} as batch {@code b} (one window each). */
  public void sendBatch(String stream, long b) {
    frames.send(
        new ProducerRecord<>(
            cluster.topics().frames().name(),
            stream,
            Frames.batch(stream, b, 4 * b, 4 * b + 3, FrameEncoding.JPEG)));
  }

  /** Sends {@code batch} keyed by {@code key}, whatever its stream id says. */
  public void send(String key, FrameBatch batch) {
    frames.send(new ProducerRecord<>(cluster.topics().frames().name(), key, batch));
  }

  public void flush() {
    frames.flush();
  }

  public void addLabel(String label) throws Exception {
    addLabel(label, List.of());
  }

  /** Writes raw bytes to the vocabulary topic, as a buggy or hostile program would. */
  public void sendRawVocabulary(byte[] key, byte[] value) throws Exception {
    sendRaw(cluster.topics().vocabulary().name(), key, value);
  }

  /** Writes raw bytes to the checkpoints topic, as a buggy or hostile program would. */
  public void sendRawCheckpoint(byte[] key, byte[] value) throws Exception {
    sendRaw(cluster.topics().checkpoints().name(), key, value);
  }

  private void sendRaw(String topic, byte[] key, byte[] value) throws Exception {
    try (KafkaProducer<byte[], byte[]> p =
        new KafkaProducer<>(
            cluster.producerConfig("raw"),
            new org.apache.kafka.common.serialization.ByteArraySerializer(),
            new org.apache.kafka.common.serialization.ByteArraySerializer())) {
      p.send(new ProducerRecord<>(topic, key, value)).get();
    }
  }

  /** Publishes a well-formed entry whose prompt templates are {@code prompts}. */
  public void addLabel(String label, List<String> prompts) throws Exception {
    try (KafkaProducer<String, VocabularyEntry> p =
        new KafkaProducer<>(
            cluster.producerConfig("vocab"),
            new StringSerializer(),
            cluster.topics().vocabulary().valueSerde().serializer())) {
      p.send(
              new ProducerRecord<>(
                  cluster.topics().vocabulary().name(),
                  label,
                  new VocabularyEntry(label, prompts, true, Instant.now())))
          .get();
    }
  }

  public void announce(CheckpointAnnouncement a) throws Exception {
    try (KafkaProducer<String, CheckpointAnnouncement> p =
        new KafkaProducer<>(
            cluster.producerConfig("ckpt"),
            new StringSerializer(),
            cluster.topics().checkpoints().valueSerde().serializer())) {
      p.send(new ProducerRecord<>(cluster.topics().checkpoints().name(), a.getModelName(), a))
          .get();
    }
  }

  /** Reads committed recognitions for up to {@code wait}, appending to {@code into}. */
  public void poll(List<Recognition> into, Duration wait) {
    long end = System.nanoTime() + wait.toNanos();
    do {
      for (ConsumerRecord<String, Recognition> r : recognitions.poll(Duration.ofMillis(100))) {
        into.add(r.value());
      }
    } while (System.nanoTime() < end);
  }

  /** Reads until {@code into} holds {@code count} recognitions or {@code timeout} passes. */
  public void pollUntil(List<Recognition> into, int count, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (into.size() < count && System.nanoTime() < end) {
      poll(into, Duration.ofMillis(200));
    }
    if (into.size() < count) {
      // the test is about to fail: say where every thread stood, so that a stall can be diagnosed
      System.out.println(
          "pollUntil: "
              + into.size()
              + " of "
              + count
              + " recognitions after "
              + timeout
              + "; threads:\n"
              + threadDump());
    }
  }

  /** Every live thread's name, state and stack. */
  static String threadDump() {
    StringBuilder b = new StringBuilder();
    Thread.getAllStackTraces()
        .forEach(
            (t, stack) -> {
              b.append('"').append(t.getName()).append("\" ").append(t.getState()).append('\n');
              for (StackTraceElement e : stack) {
                b.append("    at ").append(e).append('\n');
              }
            });
    return b.toString();
  }

  @Override
  public void close() {
    frames.close();
    recognitions.close();
  }
}
