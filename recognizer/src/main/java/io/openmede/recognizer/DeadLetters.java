package io.openmede.recognizer;

import io.openmede.schemas.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** Builds the recognizer's {@link DeadLetter} records. */
public final class DeadLetters {

  /** The service name written into dead letters. */
  public static final String SERVICE = "recognizer";

  private DeadLetters() {}

  /**
   * A dead letter.
   *
   * @param sourceTopic topic the record came from
   * @param partition its partition, when it came from Kafka
   * @param offset its offset, when it came from Kafka
   * @param key original key bytes, if any
   * @param value original value bytes, if any
   * @param error why, in words that say what was expected
   * @param errorClass the class of the failure
   */
  public static DeadLetter of(
      String sourceTopic,
      OptionalInt partition,
      OptionalLong offset,
      Optional<byte[]> key,
      Optional<byte[]> value,
      String error,
      String errorClass,
      long failedAtMs) {
    return DeadLetter.newBuilder()
        .setSourceTopic(sourceTopic)
        .setPartition(partition.isPresent() ? partition.getAsInt() : null)
        .setOffset(offset.isPresent() ? offset.getAsLong() : null)
        .setOriginalKey(key.map(ByteBuffer::wrap).orElse(null))
        .setOriginalValue(value.map(ByteBuffer::wrap).orElse(null))
        .setError(error == null ? "(no message)" : error)
        .setErrorClass(errorClass)
        .setService(SERVICE)
        .setFailedAt(Instant.ofEpochMilli(failedAtMs))
        .build();
  }
}
