package io.openmede.bench.faults;

import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.TrainingSummary;
import io.openmede.schemas.avro.VocabularyEntry;
import io.openmede.schemas.checkpoint.CheckpointSigning;
import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.topic.Topic;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends the campaign's single records: raw bytes, vocabulary entries and checkpoint announcements,
 * each through a producer of its own, waiting up to 60 s for the broker's acknowledgement (a
 * refusal by the broker is an {@link java.util.concurrent.ExecutionException}).
 */
final class RecordSender {

  /** A record to send that says where the broker put it. */
  @FunctionalInterface
  interface Placed {
    RecordMetadata run() throws Exception;
  }

  /** Something to send that may fail: a bad record on its way. */
  @FunctionalInterface
  interface Send {
    void run() throws Exception;
  }

  private final Cluster cluster;
  private final String preset;
  private final KeyPair trainerKey;

  /** {@code trainerKey}: the key the recognizers trust; {@code preset}: the announcements'. */
  RecordSender(Cluster cluster, String preset, KeyPair trainerKey) {
    this.cluster = cluster;
    this.preset = preset;
    this.trainerKey = trainerKey;
  }

  /** Bytes as they are; where the broker put them. */
  RecordMetadata raw(String topic, byte[] key, byte[] value) throws Exception {
    try (KafkaProducer<byte[], byte[]> p =
        new KafkaProducer<>(
            cluster.producerConfig("faults-raw"),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      return p.send(new ProducerRecord<>(topic, key, value)).get(60, TimeUnit.SECONDS);
    }
  }

  /** A record of {@code topic} through its own serializers (the registry must answer). */
  <V> RecordMetadata record(Topic<String, V> topic, String key, V value) throws Exception {
    try (KafkaProducer<String, V> p =
        new KafkaProducer<>(
            cluster.producerConfig("faults-" + topic.name()),
            new StringSerializer(),
            topic.valueSerde().serializer())) {
      return p.send(new ProducerRecord<>(topic.name(), key, value)).get(60, TimeUnit.SECONDS);
    }
  }

  /** The bytes {@code value} has on {@code topic} (in its schema): to send to another topic. */
  <V> byte[] bytesOf(Topic<String, V> topic, V value) {
    return topic.valueSerde().serializer().serialize(topic.name(), value);
  }

  void vocabulary(String key, VocabularyEntry entry) throws Exception {
    try (KafkaProducer<String, VocabularyEntry> p =
        new KafkaProducer<>(
            cluster.producerConfig("faults-vocab"),
            new StringSerializer(),
            cluster.topics().vocabulary().valueSerde().serializer())) {
      p.send(new ProducerRecord<>(cluster.topics().vocabulary().name(), key, entry))
          .get(60, TimeUnit.SECONDS);
    }
  }

  /** An announcement signed by the campaign's trainer key (the recognizers trust it). */
  void announce(String model, String version, String uri, String sha, long size) throws Exception {
    announce(model, version, uri, sha, size, Optional.of(trainerKey));
  }

  /** An announcement signed by {@code key}, or unsigned. */
  void announce(
      String model, String version, String uri, String sha, long size, Optional<KeyPair> key)
      throws Exception {
    CheckpointAnnouncement a =
        CheckpointAnnouncement.newBuilder()
            .setModelName(model)
            .setVersion(version)
            .setUri(uri)
            .setSha256(sha)
            .setSizeBytes(size)
            .setPreset(preset)
            .setTraining(
                new TrainingSummary("plain", 0L, 0L, Map.of(), 0.0, 1.0, 1, 1, 0.0, 0.0, 0.0))
            .setCreatedAt(Instant.now())
            .build();
    key.ifPresent(k -> a.setSignature(CheckpointSigning.sign(a, k)));
    try (KafkaProducer<String, CheckpointAnnouncement> p =
        new KafkaProducer<>(
            cluster.producerConfig("faults-ckpt"),
            new StringSerializer(),
            cluster.topics().checkpoints().valueSerde().serializer())) {
      p.send(new ProducerRecord<>(cluster.topics().checkpoints().name(), model, a))
          .get(60, TimeUnit.SECONDS);
    }
  }

  /** Bytes that are not Avro. */
  static byte[] notAvro() {
    return bytes("this is not Avro");
  }

  /** Confluent wire format (magic byte 0, schema id) with an id no registry has given out. */
  static byte[] unknownSchemaId() {
    return ByteBuffer.allocate(8)
        .put((byte) 0)
        .putInt(0x7fff_fff0)
        .put(new byte[] {2, 'x', 0})
        .array();
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String sha256(Path p) throws IOException {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
