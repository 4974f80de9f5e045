package io.openmede.recognizer;

import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.DeadLetter;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.avro.Recognition;
import io.openmede.schemas.avro.VocabularyEntry;
import io.openmede.schemas.topic.Topics;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * The topics the recognizer reads and writes, with their serdes: the recognizer's view of the
 * project's topic catalog. Keys are strings (stream id, label, model name); dead letters are keyed
 * by the original key's bytes.
 */
record RecognizerTopics(
    String frames,
    Serde<FrameBatch> frameSerde,
    String vocabulary,
    Serde<VocabularyEntry> vocabularySerde,
    String recognitions,
    Serde<Recognition> recognitionSerde,
    String checkpoints,
    Serde<CheckpointAnnouncement> checkpointSerde,
    String deadLetters,
    Serde<DeadLetter> deadLetterSerde,
    int recognitionsMaxMessageBytes,
    int deadLettersMaxMessageBytes) {

  public RecognizerTopics {
    Objects.requireNonNull(frames, "frames");
    Objects.requireNonNull(frameSerde, "frameSerde");
    Objects.requireNonNull(vocabulary, "vocabulary");
    Objects.requireNonNull(vocabularySerde, "vocabularySerde");
    Objects.requireNonNull(recognitions, "recognitions");
    Objects.requireNonNull(recognitionSerde, "recognitionSerde");
    Objects.requireNonNull(checkpoints, "checkpoints");
    Objects.requireNonNull(checkpointSerde, "checkpointSerde");
    Objects.requireNonNull(deadLetters, "deadLetters");
    Objects.requireNonNull(deadLetterSerde, "deadLetterSerde");
  }

  /** The topics with the catalog's default {@code max.message.bytes} (tests). */
  RecognizerTopics(
      String frames,
      Serde<FrameBatch> frameSerde,
      String vocabulary,
      Serde<VocabularyEntry> vocabularySerde,
      String recognitions,
      Serde<Recognition> recognitionSerde,
      String checkpoints,
      Serde<CheckpointAnnouncement> checkpointSerde,
      String deadLetters,
      Serde<DeadLetter> deadLetterSerde) {
    this(
        frames,
        frameSerde,
        vocabulary,
        vocabularySerde,
        recognitions,
        recognitionSerde,
        checkpoints,
        checkpointSerde,
        deadLetters,
        deadLetterSerde,
        Topics.SMALL_TOPIC_MAX_MESSAGE_BYTES,
        Topics.FRAME_TOPIC_MAX_MESSAGE_BYTES + Topics.SMALL_TOPIC_MAX_MESSAGE_BYTES);
  }

  /** The same topics with the recognitions topic's {@code max.message.bytes} (tests). */
  RecognizerTopics withRecognitionsMaxMessageBytes(int bytes) {
    return new RecognizerTopics(
        frames,
        frameSerde,
        vocabulary,
        vocabularySerde,
        recognitions,
        recognitionSerde,
        checkpoints,
        checkpointSerde,
        deadLetters,
        deadLetterSerde,
        bytes,
        deadLettersMaxMessageBytes);
  }

  /** The recognizer's view of the project's topic catalog. */
  public static RecognizerTopics from(Topics t) {
    return new RecognizerTopics(
        t.frames().name(),
        t.frames().valueSerde(),
        t.vocabulary().name(),
        t.vocabulary().valueSerde(),
        t.recognitions().name(),
        t.recognitions().valueSerde(),
        t.checkpoints().name(),
        t.checkpoints().valueSerde(),
        t.deadLetters().name(),
        t.deadLetters().valueSerde(),
        t.recognitions().maxMessageBytes(),
        t.deadLetters().maxMessageBytes());
  }
}
