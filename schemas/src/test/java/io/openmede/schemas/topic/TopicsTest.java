package io.openmede.schemas.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openmede.schemas.avro.DeadLetter;
import io.openmede.schemas.registry.RestSchemaRegistryClient;
import io.openmede.schemas.serde.BadRecordException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class TopicsTest {
  private final Topics topics =
      Topics.create(
          TopicNames.defaults(),
          RestSchemaRegistryClient.builder("http://127.0.0.1:1").build(),
          Map.of());

  @Test
  void defaults_areTheNamesOfTheDesign() {
    assertThat(topics.all())
        .extracting(Topic::name)
        .containsExactly(
            "openmede.frames",
            "openmede.vocabulary",
            "openmede.recognitions",
            "openmede.labeled-clips",
            "openmede.checkpoints",
            "openmede.dead-letters",
            "openmede.rules",
            "openmede.events",
            "openmede.feedback",
            "openmede.clips");
    assertThat(topics.names()).isEqualTo(TopicNames.defaults());
  }

  @Test
  void compaction_onlyVocabularyCheckpointsRulesAndClips() {
    assertThat(topics.all())
        .filteredOn(Topic::compacted)
        .extracting(Topic::name)
        .containsExactly(
            "openmede.vocabulary", "openmede.checkpoints", "openmede.rules", "openmede.clips");
  }

  @Test
  void newTopic_framesHasPartitionsAndLargeMessages() {
    NewTopic frames = TopicProvisioner.newTopic(topics.frames());
    assertThat(frames.numPartitions()).isEqualTo(Topics.DEFAULT_PARTITIONS);
    assertThat(frames.replicationFactor()).isEqualTo((short) -1); // the broker's default
    assertThat(frames.configs())
        .containsEntry("cleanup.policy", "delete")
        .containsEntry("max.message.bytes", Integer.toString(8 * 1024 * 1024));
    assertThat(TopicProvisioner.newTopic(topics.vocabulary()).configs())
        .containsEntry("cleanup.policy", "compact");
  }

  @Test
  void names_overridden_usedByCatalog() {
    Topics renamed =
        Topics.create(
            TopicNames.defaults().withFrames("cam.frames"),
            2,
            RestSchemaRegistryClient.builder("http://127.0.0.1:1").build(),
            Map.of());
    assertThat(renamed.frames().name()).isEqualTo("cam.frames");
    assertThat(renamed.frames().partitions()).isEqualTo(2);
  }

  @Test
  void names_duplicate_refused() {
    assertThatThrownBy(() -> TopicNames.defaults().withFrames("openmede.vocabulary"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"openmede.vocabulary\" is given to two topics");
  }

  @Test
  void topic_illegalName_refusedWithRule() {
    assertThatThrownBy(() -> topics.frames().withPartitions(0))
        .hasMessageContaining("at least 1 partition, got 0");
    assertThatThrownBy(
            () ->
                Topics.create(
                    TopicNames.defaults().withFrames("bad name"),
                    RestSchemaRegistryClient.builder("http://127.0.0.1:1").build(),
                    Map.of()))
        .hasMessageContaining("\"bad name\" is not a legal Kafka topic name");
  }

  @Test
  void deadLetter_fromConsumerRecord_keepsBytesPositionAndReason() {
    byte[] key = "cam-1".getBytes(StandardCharsets.UTF_8);
    byte[] value = {1, 2, 3};
    ConsumerRecord<byte[], byte[]> record =
        new ConsumerRecord<>(
            "openmede.frames",
            2,
            17L,
            0L,
            TimestampType.CREATE_TIME,
            5,
            3,
            key,
            value,
            new RecordHeaders(),
            java.util.Optional.empty());
    BadRecordException bad =
        new BadRecordException("openmede.frames", "magic byte 0x01, expected 0x00", null)
            .withPosition(2, 17L);
    RecordDeserializationException wrapped =
        new RecordDeserializationException(
            RecordDeserializationException.DeserializationExceptionOrigin.VALUE,
            new org.apache.kafka.common.TopicPartition("openmede.frames", 2),
            17L,
            0L,
            TimestampType.CREATE_TIME,
            ByteBuffer.wrap(key),
            ByteBuffer.wrap(value),
            new RecordHeaders(),
            "Error deserializing VALUE",
            bad);
    Instant now = Instant.ofEpochMilli(1_700_000_000_000L);
    DeadLetter letter =
        DeadLetterRecords.of(DeadLetterRecords.Source.of(record), wrapped, "recognizer", now);
    assertThat(letter.getSourceTopic()).isEqualTo("openmede.frames");
    assertThat(letter.getPartition()).isEqualTo(2);
    assertThat(letter.getOffset()).isEqualTo(17L);
    assertThat(letter.getOriginalKey()).isEqualTo(ByteBuffer.wrap(key));
    assertThat(letter.getOriginalValue()).isEqualTo(ByteBuffer.wrap(value));
    assertThat(letter.getErrorClass()).isEqualTo(BadRecordException.class.getName());
    assertThat(letter.getError())
        .contains("bad record on topic openmede.frames partition 2 offset 17: magic byte 0x01");
    assertThat(letter.getService()).isEqualTo("recognizer");
    assertThat(letter.getFailedAt()).isEqualTo(now);
    assertThat(DeadLetterRecords.toRecord(topics.deadLetters(), letter).key()).isEqualTo(key);
  }

  @Test
  void deadLetter_neverReachedKafka_hasNoPosition() {
    DeadLetter letter =
        DeadLetterRecords.of(
            DeadLetterRecords.Source.unplaced("openmede.frames", null, new byte[] {9}),
            new IllegalArgumentException("frame too large"),
            "ingest",
            Instant.EPOCH);
    assertThat(letter.getPartition()).isNull();
    assertThat(letter.getOffset()).isNull();
    assertThat(letter.getOriginalKey()).isNull();
    assertThat(letter.getError()).isEqualTo("frame too large");
    assertThat(DeadLetterRecords.toRecord(topics.deadLetters(), letter).key()).isNull();
  }
}
