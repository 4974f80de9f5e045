package io.openmede.recognizer;

import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.DeadLetter;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.avro.Recognition;
import io.openmede.schemas.avro.VocabularyEntry;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * The topics the recognizer reads and writes, with their serdes: the recognizer's view of the
 * project's topic catalog. Keys are strings (stream id, label, model name); dead letters are keyed
 * by the original key's bytes.
 */
public record RecognizerTopics(
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
}
