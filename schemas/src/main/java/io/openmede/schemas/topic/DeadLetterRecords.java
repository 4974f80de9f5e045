package io.openmede.schemas.topic;

import io.openmede.schemas.avro.DeadLetter;
import io.openmede.schemas.serde.BadRecordException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Builds {@link DeadLetter} records: the refused record's bytes, unchanged, with where it came from
 * and why it was refused. Services send them to {@link Topics#deadLetters()}, keyed by the original
 * key's bytes.
 */
public final class DeadLetterRecords {
  private DeadLetterRecords() {}

  /**
   * A dead letter for a record a service refused.
   *
   * @param sourceTopic the topic the record was read from (or was to be written to)
   * @param partition its partition; empty when it never reached Kafka
   * @param offset its offset; empty when it never reached Kafka
   * @param key the original key bytes, or null
   * @param value the original value bytes, or null
   * @param failure why it was refused; a {@link BadRecordException} in its causes gives the reason
   * @param service the refusing service (recognizer, trainer, ingest)
   * @param failedAt when it was refused
   */
  public static DeadLetter of(
      String sourceTopic,
      OptionalInt partition,
      OptionalLong offset,
      byte[] key,
      byte[] value,
      Throwable failure,
      String service,
      Instant failedAt) {
    Objects.requireNonNull(failure, "failure");
    Throwable described = BadRecordException.findIn(failure).<Throwable>map(b -> b).orElse(failure);
    return DeadLetter.newBuilder()
        .setSourceTopic(Objects.requireNonNull(sourceTopic, "source topic"))
        .setPartition(partition.isPresent() ? partition.getAsInt() : null)
        .setOffset(offset.isPresent() ? offset.getAsLong() : null)
        .setOriginalKey(key == null ? null : ByteBuffer.wrap(key.clone()))
        .setOriginalValue(value == null ? null : ByteBuffer.wrap(value.clone()))
        .setError(describe(failure))
        .setErrorClass(described.getClass().getName())
        .setService(Objects.requireNonNull(service, "service"))
        .setFailedAt(Objects.requireNonNull(failedAt, "failedAt"))
        .build();
  }

  /** A dead letter for a consumed record, raw bytes and position taken from {@code record}. */
  public static DeadLetter of(
      ConsumerRecord<byte[], byte[]> record, Throwable failure, String service, Instant failedAt) {
    return of(
        record.topic(),
        OptionalInt.of(record.partition()),
        OptionalLong.of(record.offset()),
        record.key(),
        record.value(),
        failure,
        service,
        failedAt);
  }

  /** The record to send a dead letter with: keyed by the original key bytes. */
  public static ProducerRecord<byte[], DeadLetter> toRecord(
      Topic<byte[], DeadLetter> deadLetters, DeadLetter letter) {
    ByteBuffer key = letter.getOriginalKey();
    byte[] keyBytes = null;
    if (key != null) {
      keyBytes = new byte[key.remaining()];
      key.duplicate().get(keyBytes);
    }
    return new ProducerRecord<>(deadLetters.name(), keyBytes, letter);
  }

  /** The failure in words: the message of each cause that adds something. */
  static String describe(Throwable failure) {
    StringBuilder text = new StringBuilder();
    String last = null;
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
      if (last != null && last.contains(message)) {
        continue;
      }
      if (text.length() > 0) {
        text.append(" ← ");
      }
      text.append(message);
      last = message;
    }
    return text.toString();
  }
}
