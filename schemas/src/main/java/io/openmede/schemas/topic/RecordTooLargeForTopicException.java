package io.openmede.schemas.topic;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record a service was about to produce that is larger than its topic takes ({@code
 * max.message.bytes}): refused before it reaches the producer, so that the producer, its
 * transaction and the stream thread are not touched. Thrown by the serializers of {@link
 * SizeLimitedSerializers}; services turn it into a dead letter with this message as the reason.
 */
public final class RecordTooLargeForTopicException extends SerializationException {
  private static final long serialVersionUID = 1L;

  private final String topic;
  private final long size;
  private final int limit;

  RecordTooLargeForTopicException(String topic, int keyBytes, int valueBytes, int limit) {
    super(
        "a record of "
            + (keyBytes + (long) valueBytes)
            + " bytes (key "
            + keyBytes
            + ", value "
            + valueBytes
            + ") is larger than topic "
            + topic
            + " takes ("
            + limit
            + " bytes: its max.message.bytes less "
            + SizeLimitedSerializers.OVERHEAD_BYTES
            + " of record overhead); a value in it is too long (a stream id, a label), so it is"
            + " refused here: shorten the value at its source");
    this.topic = topic;
    this.size = keyBytes + (long) valueBytes;
    this.limit = limit;
  }

  /** The topic the record was meant for. */
  public String topic() {
    return topic;
  }

  /** Key and value bytes of the refused record. */
  public long size() {
    return size;
  }

  /** The most key and value bytes the topic takes. */
  public int limit() {
    return limit;
  }
}
