package io.openmede.schemas.topic;

import io.openmede.schemas.avro.AlertRule;
import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.ClipMade;
import io.openmede.schemas.avro.DeadLetter;
import io.openmede.schemas.avro.Event;
import io.openmede.schemas.avro.Feedback;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.avro.LabeledClip;
import io.openmede.schemas.avro.Recognition;
import io.openmede.schemas.avro.VocabularyEntry;
import io.openmede.schemas.registry.SchemaRegistryClient;
import io.openmede.schemas.serde.AvroSerde;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The one typed catalog of the project's topics (DESIGN.md §1). No topic name appears anywhere else
 * in the code: take it from here.
 *
 * <p>Keys are UTF-8 strings (stream id, label, clip id, model name); dead-letter keys are the
 * original key's bytes, unchanged. Values are generated Avro classes in the Confluent wire format.
 * Compacted topics (vocabulary, checkpoints, rules, clips) read a null value as a tombstone; the
 * others refuse null values with {@link io.openmede.schemas.serde.BadRecordException}.
 */
public record Topics(
    Topic<String, FrameBatch> frames,
    Topic<String, VocabularyEntry> vocabulary,
    Topic<String, Recognition> recognitions,
    Topic<String, LabeledClip> labeledClips,
    Topic<String, CheckpointAnnouncement> checkpoints,
    Topic<byte[], DeadLetter> deadLetters,
    Topic<String, AlertRule> rules,
    Topic<String, Event> events,
    Topic<String, Feedback> feedback,
    Topic<String, ClipMade> clips) {

  /** Partitions of the data topics (frames, recognitions, labeled clips) by default. */
  public static final int DEFAULT_PARTITIONS = 4;

  /**
   * {@code max.message.bytes} of the topics that carry frames (frames, labeled clips, dead letters,
   * which may hold either): 8 MiB. Producers need {@code max.request.size} at least as large, and
   * the broker {@code message.max.bytes}, {@code replica.fetch.max.bytes}.
   */
  public static final int FRAME_TOPIC_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

  /** {@code max.message.bytes} of the topics of small records: 1 MiB, Kafka's default. */
  public static final int SMALL_TOPIC_MAX_MESSAGE_BYTES = 1024 * 1024;

  /** The catalog with {@link #DEFAULT_PARTITIONS} partitions for the data topics. */
  public static Topics create(
      TopicNames names, SchemaRegistryClient registry, Map<String, ?> serdeConfig) {
    return create(names, DEFAULT_PARTITIONS, registry, serdeConfig);
  }

  /**
   * The catalog.
   *
   * @param names the topic names
   * @param partitions partitions of frames, recognitions, labeled clips and events; vocabulary,
   *     checkpoints, rules and dead letters have one (they are small and read whole)
   * @param registry the schema registry every value serde uses
   * @param serdeConfig configs passed to every Avro serde, for example {@code
   *     auto.register.schemas}
   */
  public static Topics create(
      TopicNames names, int partitions, SchemaRegistryClient registry, Map<String, ?> serdeConfig) {
    Map<String, ?> config = Map.copyOf(serdeConfig);
    return new Topics(
        new Topic<>(
            names.frames(),
            keys(),
            AvroSerde.of(FrameBatch.class, registry).configured(config, false),
            partitions,
            false,
            FRAME_TOPIC_MAX_MESSAGE_BYTES),
        new Topic<>(
            names.vocabulary(),
            keys(),
            AvroSerde.withTombstones(VocabularyEntry.class, registry).configured(config, false),
            1,
            true,
            SMALL_TOPIC_MAX_MESSAGE_BYTES),
        new Topic<>(
            names.recognitions(),
            keys(),
            AvroSerde.of(Recognition.class, registry).configured(config, false),
            partitions,
            false,
            SMALL_TOPIC_MAX_MESSAGE_BYTES),
        new Topic<>(
            names.labeledClips(),
            keys(),
            AvroSerde.of(LabeledClip.class, registry).configured(config, false),
            partitions,
            false,
            FRAME_TOPIC_MAX_MESSAGE_BYTES),
        new Topic<>(
            names.checkpoints(),
            keys(),
            AvroSerde.withTombstones(CheckpointAnnouncement.class, registry)
                .configured(config, false),
            1,
            true,
            SMALL_TOPIC_MAX_MESSAGE_BYTES),
        new Topic<>(
            names.deadLetters(),
            Serdes.ByteArray(),
            AvroSerde.of(DeadLetter.class, registry).configured(config, false),
            1,
            false,
            FRAME_TOPIC_MAX_MESSAGE_BYTES + SMALL_TOPIC_MAX_MESSAGE_BYTES),
        new Topic<>(
            names.rules(),
            keys(),
            AvroSerde.withTombstones(AlertRule.class, registry).configured(config, false),
            1,
            true,
            SMALL_TOPIC_MAX_MESSAGE_BYTES),
        new Topic<>(
            names.events(),
            keys(),
            AvroSerde.of(Event.class, registry).configured(config, false),
            partitions,
            false,
            SMALL_TOPIC_MAX_MESSAGE_BYTES),
        new Topic<>(
            names.feedback(),
            keys(),
            AvroSerde.of(Feedback.class, registry).configured(config, false),
            partitions,
            false,
            SMALL_TOPIC_MAX_MESSAGE_BYTES),
        new Topic<>(
            names.clips(),
            keys(),
            AvroSerde.withTombstones(ClipMade.class, registry).configured(config, false),
            1,
            true,
            SMALL_TOPIC_MAX_MESSAGE_BYTES));
  }

  private static Serde<String> keys() {
    Serde<String> serde = Serdes.String();
    serde.configure(Map.of(), true);
    return serde;
  }

  /** Every topic, in the order of DESIGN.md §1. */
  public List<Topic<?, ?>> all() {
    return List.of(
        frames,
        vocabulary,
        recognitions,
        labeledClips,
        checkpoints,
        deadLetters,
        rules,
        events,
        feedback,
        clips);
  }

  /** The names the catalog was created with. */
  public TopicNames names() {
    return new TopicNames(
        frames.name(),
        vocabulary.name(),
        recognitions.name(),
        labeledClips.name(),
        checkpoints.name(),
        deadLetters.name(),
        rules.name(),
        events.name(),
        feedback.name(),
        clips.name());
  }
}
