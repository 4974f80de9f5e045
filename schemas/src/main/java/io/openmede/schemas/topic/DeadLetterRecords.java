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
   * Where a refused record came from: its topic, its place when it reached Kafka, and its original
   * bytes (either may be null).
   *
   * @param topic the topic the record was read from (or was to be written to)
   * @param partition its partition; empty when it never reached Kafka
   * @param offset its offset; empty when it never reached Kafka
   */
  public record Source(
      String topic, OptionalInt partition, OptionalLong offset, byte[] key, byte[] value) {
    public Source {
      Objects.requireNonNull(topic, "source topic");
    }

    /** A consumed record, raw bytes and place taken from {@code record}. */
    public static Source of(ConsumerRecord<byte[], byte[]> record) {
      return at(record.topic(), record.partition(), record.offset(), record.key(), record.value());
    }

    /** A record at a place; a negative partition or offset means it is not known. */
    public static Source at(String topic, int partition, long offset, byte[] key, byte[] value) {
      return new Source(
          topic,
          partition < 0 ? OptionalInt.empty() : OptionalInt.of(partition),
          offset < 0 ? OptionalLong.empty() : OptionalLong.of(offset),
          key,
          value);
    }

    /** A record that never reached Kafka (refused before it was written, or made here). */
    public static Source unplaced(String topic, byte[] key, byte[] value) {
      return new Source(topic, OptionalInt.empty(), OptionalLong.empty(), key, value);
    }
  }

  /**
   * A dead letter for a record a service refused.
   *
   * @param failure why it was refused; a {@link BadRecordException} in its causes gives the error
   *     class, and the message of each cause that adds something is the error
   * @param service the refusing service (recognizer, trainer, ingest)
   * @param failedAt when it was refused
   */
  public static DeadLetter of(Source from, Throwable failure, String service, Instant failedAt) {
    Objects.requireNonNull(failure, "failure");
    Throwable described = BadRecordException.findIn(failure).<Throwable>map(b -> b).orElse(failure);
    return of(from, describe(failure), described.getClass().getName(), service, failedAt);
  }

  /**
   * A dead letter for a record a service refused, with the error in words.
   *
   * @param error why, in words that say what was expected; null reads "(no message)"
   * @param errorClass the class of the failure, or of the check that refused it
   * @param service the refusing service (recognizer, trainer, ingest)
   * @param failedAt when it was refused
   */
  public static DeadLetter of(
      Source from, String error, String errorClass, String service, Instant failedAt) {
    return DeadLetter.newBuilder()
        .setSourceTopic(from.topic())
        .setPartition(from.partition().isPresent() ? from.partition().getAsInt() : null)
        .setOffset(from.offset().isPresent() ? from.offset().getAsLong() : null)
        .setOriginalKey(from.key() == null ? null : ByteBuffer.wrap(from.key().clone()))
        .setOriginalValue(from.value() == null ? null : ByteBuffer.wrap(from.value().clone()))
        .setError(error == null ? "(no message)" : cut(error))
        .setErrorClass(Objects.requireNonNull(errorClass, "errorClass"))
        .setService(Objects.requireNonNull(service, "service"))
        .setFailedAt(Objects.requireNonNull(failedAt, "failedAt"))
        .build();
  }

  /**
   * The longest reason a dead letter keeps, in characters: a reason quotes what came in (a stream
   * id, a label), and the page and every reader of dead letters keep reasons.
   */
  public static final int MAX_ERROR_CHARS = 4096;

  /** {@code error} cut to {@link #MAX_ERROR_CHARS}, saying how much was cut. */
  static String cut(String error) {
    if (error.length() <= MAX_ERROR_CHARS) {
      return error;
    }
    return error.substring(0, MAX_ERROR_CHARS)
        + "… ("
        + (error.length() - MAX_ERROR_CHARS)
        + " more characters cut)";
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
