package io.openmede.trainer.stream;

import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Where refused records go, with the reason; nothing bad is dropped silently. Implementations:
 * {@link KafkaDeadLetterSink} (the dead-letters topic). Thread-safety is up to the implementation.
 */
public interface DeadLetterSink {

  /** A refused record. */
  record Refused(
      String sourceTopic,
      OptionalInt partition,
      OptionalLong offset,
      byte[] key,
      byte[] value,
      String reason,
      String errorClass) {}

  /** Sends a refused record on. */
  void send(Refused refused);
}
