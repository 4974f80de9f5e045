package io.openmede.recognizer.vocabulary;

import io.openmede.schemas.avro.VocabularyEntry;
import io.openmede.schemas.topic.GlobalStoreUpdater;
import io.openmede.schemas.topic.KeyedRecords;
import io.openmede.schemas.topic.RefusedRecords;
import io.openmede.schemas.values.Labels;
import io.prometheus.metrics.core.metrics.Counter;
import java.util.Optional;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The records of the vocabulary topic as the recognizers read them: keyed by label, each judged by
 * {@link Labels#entryRefusal} (refused as {@code entry}). The recognizers' global store and {@code
 * openmede vocab list} judge them alike.
 */
public final class VocabularyRecords {

  /** How a vocabulary record is judged from its bytes. */
  public static final KeyedRecords<VocabularyEntry> RECORDS =
      new KeyedRecords<>(
          "vocabulary", "label", "entry", VocabularyEntry.class, Labels::entryRefusal);

  private VocabularyRecords() {}

  /**
   * The global vocabulary store's processor: good entries are put and tombstones delete, each
   * change reported to {@code book}; refused records are counted by reason ({@code key}, {@code
   * value}, {@code entry}, {@code registry}), logged and dead-lettered, and the label keeps its
   * previous good entry.
   *
   * @param values decodes a value (the registry-aware Avro deserializer)
   * @param topic the vocabulary topic, for the deserializer and log lines
   */
  public static GlobalStoreUpdater<VocabularyEntry> updater(
      String storeName,
      VocabularyBook book,
      Deserializer<VocabularyEntry> values,
      Counter refused,
      String topic,
      RefusedRecords letters) {
    return new GlobalStoreUpdater<>(
        storeName,
        topic,
        RECORDS,
        values,
        refused,
        letters,
        new GlobalStoreUpdater.Listener<>() {
          @Override
          public void put(String label, VocabularyEntry entry) {
            book.changed();
          }

          @Override
          public void deleted(String label, Optional<VocabularyEntry> previous) {
            book.changed();
          }
        });
  }
}
