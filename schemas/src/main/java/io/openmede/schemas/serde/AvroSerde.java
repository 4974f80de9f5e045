package io.openmede.schemas.serde;

import io.openmede.schemas.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The serde of a generated Avro class in the Confluent wire format: {@link AvroSerializer} and
 * {@link AvroDeserializer} over one {@link SchemaRegistryClient}.
 *
 * <p>{@link #configure} passes the configs ({@value AvroSerializer#AUTO_REGISTER_CONFIG}) and the
 * key flag (subject {@code <topic>-key} instead of {@code <topic>-value}) to both halves.
 * Thread-safe.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {
  private final Class<T> type;
  private final AvroSerializer<T> serializer;
  private final AvroDeserializer<T> deserializer;

  private AvroSerde(Class<T> type, AvroSerializer<T> serializer, AvroDeserializer<T> deserializer) {
    this.type = type;
    this.serializer = serializer;
    this.deserializer = deserializer;
  }

  /** A value serde that refuses null bytes when reading (topics without tombstones). */
  public static <T extends SpecificRecord> AvroSerde<T> of(
      Class<T> type, SchemaRegistryClient registry) {
    return new AvroSerde<>(
        type,
        AvroSerializer.forClass(type, registry),
        AvroDeserializer.forClass(type, registry, false));
  }

  /** A value serde that reads null bytes as null: compacted topics where null is a tombstone. */
  public static <T extends SpecificRecord> AvroSerde<T> withTombstones(
      Class<T> type, SchemaRegistryClient registry) {
    return new AvroSerde<>(
        type,
        AvroSerializer.forClass(type, registry),
        AvroDeserializer.forClass(type, registry, true));
  }

  /** Applies {@code configs} and the key flag, as Kafka does for configured serdes. */
  public AvroSerde<T> configured(Map<String, ?> configs, boolean isKey) {
    configure(configs, isKey);
    return this;
  }

  /** The generated class this serde reads and writes. */
  public Class<T> type() {
    return type;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    serializer.configure(configs, isKey);
    deserializer.configure(configs, isKey);
  }

  @Override
  public Serializer<T> serializer() {
    return serializer;
  }

  @Override
  public Deserializer<T> deserializer() {
    return deserializer;
  }

  @Override
  public String toString() {
    return "AvroSerde[" + type.getName() + "]";
  }
}
