package io.openmede.schemas.serde;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Bytes read from a topic that are not a record of the expected schema in the Confluent wire
 * format: a wrong magic byte, an unknown schema id, a truncated or corrupt body, a registry that
 * cannot be reached, or null/empty bytes where a record is required.
 *
 * <p>The one exception type of {@link AvroDeserializer}. It carries the topic and, where known, the
 * partition and offset. A deserializer does not know the position of the bytes it is given, so the
 * position is added by whoever does: Kafka's consumer wraps a deserialization failure in {@link
 * org.apache.kafka.common.errors.RecordDeserializationException} (which has the partition and
 * offset, and this exception as its cause), and Kafka Streams hands the {@code ConsumerRecord} to
 * its {@code DeserializationExceptionHandler}. Services route both to the dead-letter topic (see
 * {@code io.openmede.schemas.topic.DeadLetterRecords}), never dropping the record silently and
 * never killing a stream thread.
 */
public final class BadRecordException extends SerializationException {
  private static final long serialVersionUID = 1L;

  private final String topic;
  private final String reason;
  private final Integer partition;
  private final Long offset;

  /**
   * @param topic the topic the bytes came from
   * @param reason what was wrong and what was expected, for example {@code "magic byte 0x7b,
   *     expected 0x00 (Confluent wire format)"}
   */
  public BadRecordException(String topic, String reason, Throwable cause) {
    this(topic, reason, null, null, cause);
  }

  private BadRecordException(
      String topic, String reason, Integer partition, Long offset, Throwable cause) {
    super(message(topic, reason, partition, offset), cause);
    this.topic = topic;
    this.reason = reason;
    this.partition = partition;
    this.offset = offset;
  }

  private static String message(String topic, String reason, Integer partition, Long offset) {
    String where =
        partition == null
            ? "topic " + topic
            : "topic " + topic + " partition " + partition + " offset " + offset;
    return "bad record on " + where + ": " + reason;
  }

  /** The same failure, located at {@code partition} and {@code offset}. */
  public BadRecordException withPosition(int partition, long offset) {
    return new BadRecordException(topic, reason, partition, offset, getCause());
  }

  /**
   * Finds a {@link BadRecordException} in {@code failure} or its causes (Kafka's consumer and
   * Streams wrap it).
   */
  public static Optional<BadRecordException> findIn(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof BadRecordException bad) {
        return Optional.of(bad);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return Optional.empty();
  }

  public String topic() {
    return topic;
  }

  /** What was wrong with the bytes and what was expected. */
  public String reason() {
    return reason;
  }

  public OptionalInt partition() {
    return partition == null ? OptionalInt.empty() : OptionalInt.of(partition);
  }

  public OptionalLong offset() {
    return offset == null ? OptionalLong.empty() : OptionalLong.of(offset);
  }
}
