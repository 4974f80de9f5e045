package io.openmede.schemas.topic;

import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * One topic of the project: its name, the serdes of its keys and values, and how it is created.
 *
 * @param name the topic name
 * @param keySerde serde of the record keys (configured as a key serde)
 * @param valueSerde serde of the record values (configured as a value serde)
 * @param partitions partitions to create the topic with, at least 1
 * @param compacted true for {@code cleanup.policy=compact} (latest value per key is kept; a null
 *     value is a tombstone)
 * @param maxMessageBytes the topic's {@code max.message.bytes}, the largest record batch the broker
 *     accepts, in bytes
 */
public record Topic<K, V>(
    String name,
    Serde<K> keySerde,
    Serde<V> valueSerde,
    int partitions,
    boolean compacted,
    int maxMessageBytes) {

  private static final int MAX_NAME_LENGTH = 249;

  public Topic {
    Objects.requireNonNull(name, "topic name");
    Objects.requireNonNull(keySerde, "key serde of " + name);
    Objects.requireNonNull(valueSerde, "value serde of " + name);
    if (name.isEmpty()
        || name.length() > MAX_NAME_LENGTH
        || name.equals(".")
        || name.equals("..")
        || !name.matches("[a-zA-Z0-9._-]+")) {
      throw new IllegalArgumentException(
          "topic name \""
              + name
              + "\" is not a legal Kafka topic name: expected 1 to 249 characters of"
              + " [a-zA-Z0-9._-], not \".\" or \"..\"");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException(
          "topic " + name + " needs at least 1 partition, got " + partitions);
    }
    if (maxMessageBytes < 1024) {
      throw new IllegalArgumentException(
          "max.message.bytes of topic " + name + " is " + maxMessageBytes + ", expected >= 1024");
    }
  }

  /** The same topic with {@code partitions} partitions. */
  public Topic<K, V> withPartitions(int partitions) {
    return new Topic<>(name, keySerde, valueSerde, partitions, compacted, maxMessageBytes);
  }

  /** The same topic with a different {@code max.message.bytes}. */
  public Topic<K, V> withMaxMessageBytes(int maxMessageBytes) {
    return new Topic<>(name, keySerde, valueSerde, partitions, compacted, maxMessageBytes);
  }
}
