package io.openmede.schemas.topic;

import io.openmede.schemas.registry.RegistryRetry;
import io.openmede.schemas.values.Printable;
import io.prometheus.metrics.core.metrics.Counter;
import java.util.Optional;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processor of a global store over a compacted topic keyed by a name (the recognizer's
 * vocabulary, the events service's alert rules). It reads the topic's raw bytes, because other
 * programs write it too, and judges each record by {@link KeyedRecords}: a refused record is
 * counted by reason, logged with its place and dead-lettered, and the key keeps its previous good
 * value; good values are put, tombstones delete, and each change is told to the {@link Listener}. A
 * value is decoded again while the schema registry is away ({@link RegistryRetry}). Nothing here
 * throws, so the global stream thread never dies of a record, and a restore after a restart (which
 * Kafka Streams runs through this processor) judges every record the same way.
 */
public final class GlobalStoreUpdater<V> implements Processor<byte[], byte[], Void, Void> {

  private static final Logger LOG = LoggerFactory.getLogger(GlobalStoreUpdater.class);

  /** Tries of a decode while the schema registry is away. */
  public static final int REGISTRY_ATTEMPTS = RegistryRetry.ATTEMPTS;

  /** Told about each change of the store, on the global stream thread. */
  public interface Listener<V> {
    /** {@code value} was put under {@code key}. */
    void put(String key, V value);

    /** {@code key} was removed; {@code previous} is what it held, if anything. */
    void deleted(String key, Optional<V> previous);
  }

  private final String storeName;
  private final String topic;
  private final KeyedRecords<V> records;
  private final Deserializer<V> values;
  private final Counter refused;
  private final RefusedRecords letters;
  private final Listener<V> listener;
  private ProcessorContext<Void, Void> context;
  private KeyValueStore<String, V> store;

  /**
   * @param topic the topic, for the deserializer and log lines
   * @param values decodes a value (the registry-aware Avro deserializer)
   * @param refused counts refused records by reason
   * @param letters where each refused record is dead-lettered
   */
  public GlobalStoreUpdater(
      String storeName,
      String topic,
      KeyedRecords<V> records,
      Deserializer<V> values,
      Counter refused,
      RefusedRecords letters,
      Listener<V> listener) {
    this.storeName = storeName;
    this.topic = topic;
    this.records = records;
    this.values = values;
    this.refused = refused;
    this.letters = letters;
    this.listener = listener;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.context = context;
    store = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<byte[], byte[]> r) {
    KeyedRecords.Judged<V> v =
        records.judge(r.key(), r.value(), bytes -> RegistryRetry.deserialize(values, topic, bytes));
    if (v.refused()) {
      refuse(v, r);
    } else if (v.tombstone()) {
      Optional<V> previous = Optional.ofNullable(store.get(v.key()));
      store.delete(v.key());
      listener.deleted(v.key(), previous);
    } else {
      store.put(v.key(), v.value());
      listener.put(v.key(), v.value());
    }
  }

  private void refuse(KeyedRecords.Judged<V> v, Record<byte[], byte[]> r) {
    refused.labelValues(v.reason()).inc();
    Optional<RecordMetadata> m = context == null ? Optional.empty() : context.recordMetadata();
    letters.refuse(
        m.map(RecordMetadata::topic).orElse(topic),
        m.map(RecordMetadata::partition).orElse(-1),
        m.map(RecordMetadata::offset).orElse(-1L),
        r.key(),
        r.value(),
        v.reason(),
        v.why());
    String where = m.map(x -> x.topic() + "-" + x.partition() + "@" + x.offset()).orElse(topic);
    String key =
        v.key() == null ? "" : " for " + records.keyName() + " " + Printable.quote(v.key());
    String kept =
        v.key() != null && store.get(v.key()) != null
            ? "; its previous " + records.refusedAs() + " stays in use"
            : "";
    LOG.warn("refused the {} record at {}{}: {}{}", records.subject(), where, key, v.why(), kept);
  }
}
