package io.openmede.recognizer.vocabulary;

import io.openmede.schemas.avro.VocabularyEntry;
import io.openmede.schemas.registry.RegistryRetry;
import io.openmede.schemas.topic.RefusedRecords;
import io.openmede.schemas.values.Printable;
import io.prometheus.metrics.core.metrics.Counter;
import java.util.Optional;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The global vocabulary store's processor. It reads the topic's raw bytes, because other programs
 * write that topic too: a record whose key is not UTF-8, whose value does not decode, or whose
 * entry breaks {@link io.openmede.schemas.values.Labels} is refused (a log line, {@code
 * openmede_recognizer_vocabulary_refused{reason}} and a dead letter with its place and reason) and
 * the label keeps its previous good entry. Good entries are put, tombstones delete, and each change
 * is reported to the {@link VocabularyBook}. Nothing here throws, so the global stream thread never
 * dies of a record, and restores after a restart (which Kafka Streams runs through this processor)
 * judge every record the same way.
 */
public final class VocabularyStoreUpdater implements Processor<byte[], byte[], Void, Void> {

  private static final Logger LOG = LoggerFactory.getLogger(VocabularyStoreUpdater.class);

  /** Tries of a decode while the schema registry is away. */
  static final int REGISTRY_ATTEMPTS = RegistryRetry.ATTEMPTS;

  private final String storeName;
  private final VocabularyBook book;
  private final Deserializer<VocabularyEntry> values;
  private final Counter refused;
  private final String topic;
  private final RefusedRecords letters;
  private ProcessorContext<Void, Void> context;
  private KeyValueStore<String, VocabularyEntry> store;

  /**
   * @param values decodes a value (the registry-aware Avro deserializer)
   * @param refused counts refused records by reason ({@code key}, {@code value}, {@code entry},
   *     {@code registry})
   * @param topic the vocabulary topic, for the deserializer and log lines
   * @param letters where each refused record is dead-lettered
   */
  public VocabularyStoreUpdater(
      String storeName,
      VocabularyBook book,
      Deserializer<VocabularyEntry> values,
      Counter refused,
      String topic,
      RefusedRecords letters) {
    this.letters = letters;
    this.storeName = storeName;
    this.book = book;
    this.values = values;
    this.refused = refused;
    this.topic = topic;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.context = context;
    store = context.getStateStore(storeName);
  }

  @Override
  public void process(org.apache.kafka.streams.processor.api.Record<byte[], byte[]> r) {
    VocabularyRecord v = VocabularyRecord.judge(r.key(), r.value(), this::decode);
    if (v.refused()) {
      refuse(v.reason(), v.key(), v.why(), r);
    } else if (v.tombstone()) {
      store.delete(v.key());
      book.changed();
    } else {
      store.put(v.key(), v.entry());
      book.changed();
    }
  }

  private VocabularyEntry decode(byte[] value) {
    return RegistryRetry.deserialize(values, topic, value);
  }

  private void refuse(
      String reason,
      String key,
      String why,
      org.apache.kafka.streams.processor.api.Record<byte[], byte[]> r) {
    refused.labelValues(reason).inc();
    Optional<RecordMetadata> m = context == null ? Optional.empty() : context.recordMetadata();
    letters.refuse(
        m.map(RecordMetadata::topic).orElse(topic),
        m.map(RecordMetadata::partition).orElse(-1),
        m.map(RecordMetadata::offset).orElse(-1L),
        r.key(),
        r.value(),
        reason,
        why);
    String where =
        context == null
            ? topic
            : context.recordMetadata().map(VocabularyStoreUpdater::where).orElse(topic);
    String label = key == null ? "" : " for label " + Printable.quote(key);
    String kept = key != null && store.get(key) != null ? "; its previous entry stays in use" : "";
    LOG.warn("refused the vocabulary record at {}{}: {}{}", where, label, why, kept);
  }

  private static String where(RecordMetadata m) {
    return m.topic() + "-" + m.partition() + "@" + m.offset();
  }
}
