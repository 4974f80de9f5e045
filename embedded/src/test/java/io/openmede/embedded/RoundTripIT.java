package io.openmede.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.DeadLetter;
import io.openmede.schemas.avro.Frame;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.avro.FrameEncoding;
import io.openmede.schemas.avro.LabelScore;
import io.openmede.schemas.avro.LabeledClip;
import io.openmede.schemas.avro.Recognition;
import io.openmede.schemas.avro.TrainingSummary;
import io.openmede.schemas.avro.VocabularyEntry;
import io.openmede.schemas.registry.RestSchemaRegistryClient;
import io.openmede.schemas.registry.SchemaRegistryClient;
import io.openmede.schemas.serde.AvroSerde;
import io.openmede.schemas.topic.DeadLetterRecords;
import io.openmede.schemas.topic.Topic;
import io.openmede.schemas.topic.TopicNames;
import io.openmede.schemas.topic.TopicProvisioner;
import io.openmede.schemas.topic.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A record of every schema through the embedded broker and registry, with the project's topic
 * catalog and serdes; the raw bytes on the topic carry magic byte 0 and the id the registry gave.
 */
@ExtendWith(SharedPlatform.class)
class RoundTripIT {
  static EmbeddedPlatform platform;
  static SchemaRegistryClient registry;
  static Topics topics;

  @BeforeAll
  static void start(EmbeddedPlatform shared) {
    platform = shared;
    registry = RestSchemaRegistryClient.builder(shared.registryUrl()).build();
    topics = Topics.create(TopicNames.defaults(), 2, registry, Map.of());
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", shared.bootstrapServers()))) {
      TopicProvisioner provisioner = new TopicProvisioner(admin, Duration.ofSeconds(30));
      List<String> created = provisioner.ensure(topics);
      assertThat(created).hasSize(topics.all().size());
      assertThat(provisioner.ensure(topics)).isEmpty(); // idempotent
    }
  }

  static final Instant T = Instant.ofEpochMilli(1_700_000_000_000L);

  @Test
  void frameBatch_largerThanKafkaDefaultLimit_roundTrips() {
    byte[] jpeg = new byte[3 * 1024 * 1024]; // 3 MiB: above Kafka's default 1 MiB
    new Random(1).nextBytes(jpeg);
    FrameBatch batch =
        FrameBatch.newBuilder()
            .setStreamId("cam-1")
            .setBatchSequence(5)
            .setWidth(64)
            .setHeight(48)
            .setEncoding(FrameEncoding.JPEG)
            .setFrames(
                List.of(
                    new Frame(10L, T, ByteBuffer.wrap(jpeg)),
                    new Frame(11L, T.plusMillis(33), ByteBuffer.wrap(new byte[] {1, 2}))))
            .setSource("synthetic://seed/1")
            .build();
    roundTrip(topics.frames(), "cam-1", batch);
  }

  @Test
  void vocabularyEntry_roundTrips() {
    roundTrip(
        topics.vocabulary(),
        "waving",
        new VocabularyEntry("waving", List.of("a video of a person {}."), true, T));
  }

  @Test
  void recognition_roundTrips() {
    roundTrip(
        topics.recognitions(),
        "cam-1",
        Recognition.newBuilder()
            .setStreamId("cam-1")
            .setWindowStart(T)
            .setWindowEnd(T.plusMillis(266))
            .setFirstSequence(10)
            .setLastSequence(17)
            .setTop(
                List.of(
                    new LabelScore("waving", 0.8, 0.31, null),
                    new LabelScore("clapping", 0.1, 0.2, null)))
            .setModelVersion("tiny-3")
            .setVocabularyVersion(4)
            .setProcessingLatencyMs(12.5)
            .setRecognizedAt(T.plusMillis(300))
            .build());
  }

  @Test
  void labeledClip_roundTrips() {
    roundTrip(
        topics.labeledClips(),
        "clip-1",
        LabeledClip.newBuilder()
            .setClipId("clip-1")
            .setLabel("waving")
            .setWidth(2)
            .setHeight(1)
            .setEncoding(FrameEncoding.RGB)
            .setFrames(List.of(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6})))
            .setSource("world:seed=3")
            .build());
  }

  @Test
  void checkpointAnnouncement_roundTrips() {
    roundTrip(
        topics.checkpoints(),
        "tiny",
        CheckpointAnnouncement.newBuilder()
            .setModelName("tiny")
            .setVersion("tiny-7")
            .setUri("file:///tmp/ckpt/tiny-7.safetensors")
            .setSha256("ab".repeat(32))
            .setSizeBytes(123_456)
            .setPreset("tiny")
            .setParentVersion("tiny-6")
            .setTraining(
                new TrainingSummary(
                    "open-mede",
                    100L,
                    3200L,
                    Map.of("0", 1600L, "1", 1600L),
                    15.0,
                    10.0,
                    22,
                    10,
                    3.33e-6,
                    3.33e-6,
                    1.67e-3))
            .setMetrics(Map.of("eval.top1", 0.42))
            .setCreatedAt(T)
            .build());
  }

  @Test
  void deadLetter_roundTripsWithRawKey() {
    byte[] key = {(byte) 0xff, 0, 1};
    DeadLetter letter =
        DeadLetterRecords.of(
            DeadLetterRecords.Source.at(
                "openmede.frames", 1, 99, key, "not avro".getBytes(StandardCharsets.UTF_8)),
            new IllegalArgumentException("magic byte 0x6e, expected 0x00"),
            "recognizer",
            T);
    roundTrip(topics.deadLetters(), key, letter);
  }

  @Test
  void badBytes_consumerWrapsBadRecordWithPosition_deadLetterKeepsIt() throws Exception {
    byte[] garbage = "{\"streamId\":\"cam-9\"}".getBytes(StandardCharsets.UTF_8);
    RecordMetadata meta;
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers()),
            new org.apache.kafka.common.serialization.ByteArraySerializer(),
            new org.apache.kafka.common.serialization.ByteArraySerializer())) {
      meta =
          producer
              .send(
                  new ProducerRecord<>(
                      topics.recognitions().name(),
                      "cam-9".getBytes(StandardCharsets.UTF_8),
                      garbage))
              .get();
    }
    TopicPartition tp = new TopicPartition(topics.recognitions().name(), meta.partition());
    try (KafkaConsumer<String, Recognition> consumer =
        new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers()),
            topics.recognitions().keySerde().deserializer(),
            topics.recognitions().valueSerde().deserializer())) {
      consumer.assign(List.of(tp));
      consumer.seek(tp, meta.offset());
      Throwable thrown = null;
      long deadline = System.currentTimeMillis() + 30_000;
      while (thrown == null && System.currentTimeMillis() < deadline) {
        try {
          consumer.poll(Duration.ofMillis(200));
        } catch (org.apache.kafka.common.errors.RecordDeserializationException e) {
          thrown = e;
        }
      }
      assertThat(thrown).isNotNull();
      org.apache.kafka.common.errors.RecordDeserializationException rde =
          (org.apache.kafka.common.errors.RecordDeserializationException) thrown;
      assertThat(rde.topicPartition()).isEqualTo(tp);
      assertThat(rde.offset()).isEqualTo(meta.offset());
      io.openmede.schemas.serde.BadRecordException bad =
          io.openmede.schemas.serde.BadRecordException.findIn(rde)
              .orElseThrow()
              .withPosition(rde.topicPartition().partition(), rde.offset());
      assertThat(bad.getMessage())
          .isEqualTo(
              "bad record on topic openmede.recognitions partition "
                  + tp.partition()
                  + " offset "
                  + meta.offset()
                  + ": magic byte 0x7b, expected 0x00 (Confluent wire format: magic byte 0, 4-byte"
                  + " schema id, Avro binary) — was this written by an Avro serializer with a"
                  + " schema registry?");
      DeadLetter letter =
          DeadLetterRecords.of(
              DeadLetterRecords.Source.at(
                  tp.topic(),
                  tp.partition(),
                  rde.offset(),
                  rde.keyBuffer() == null ? null : bytes(rde.keyBuffer()),
                  bytes(rde.valueBuffer())),
              bad,
              "test",
              T);
      assertThat(letter.getOriginalValue()).isEqualTo(ByteBuffer.wrap(garbage));
      assertThat(letter.getError()).isEqualTo(bad.getMessage());
      roundTrip(topics.deadLetters(), "cam-9".getBytes(StandardCharsets.UTF_8), letter);
    }
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] b = new byte[buffer.remaining()];
    buffer.duplicate().get(b);
    return b;
  }

  private static <K, V> void roundTrip(Topic<K, V> topic, K key, V value) {
    try (KafkaProducer<K, V> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers(),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, topic.maxMessageBytes(),
                ProducerConfig.ACKS_CONFIG, "all"),
            topic.keySerde().serializer(),
            topic.valueSerde().serializer())) {
      RecordMetadata meta = producer.send(new ProducerRecord<>(topic.name(), key, value)).get();
      TopicPartition tp = new TopicPartition(topic.name(), meta.partition());
      ConsumerRecord<byte[], byte[]> raw = readOne(tp, meta.offset());

      AvroSerde<?> serde = (AvroSerde<?>) topic.valueSerde();
      int registered =
          registry
              .lookUp(
                  SchemaRegistryClient.subjectFor(topic.name(), false),
                  org.apache.avro.specific.SpecificData.get().getSchema(serde.type()))
              .orElseThrow();
      byte[] v = raw.value();
      assertThat(v[0]).as("magic byte").isEqualTo((byte) 0);
      assertThat(ByteBuffer.wrap(v, 1, 4).getInt()).as("schema id").isEqualTo(registered);
      assertThat(topic.keySerde().deserializer().deserialize(topic.name(), raw.key()))
          .isEqualTo(key);
      assertThat(topic.valueSerde().deserializer().deserialize(topic.name(), v)).isEqualTo(value);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static ConsumerRecord<byte[], byte[]> readOne(TopicPartition tp, long offset) {
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                platform.bootstrapServers(),
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                16 * 1024 * 1024),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.assign(List.of(tp));
      consumer.seek(tp, offset);
      long deadline = System.currentTimeMillis() + 30_000;
      while (System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200)).records(tp)) {
          if (r.offset() == offset) {
            return r;
          }
        }
      }
    }
    throw new AssertionError("record at " + tp + "@" + offset + " not read within 30 s");
  }
}
