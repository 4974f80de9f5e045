package io.openmede.schemas.topic;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The key and value serializers of a {@link Topic} that refuse a record larger than the topic takes
 * with {@link RecordTooLargeForTopicException}, before the producer sees it. Every service produces
 * through them (Kafka Streams sinks and plain producers), so that a record made too large by what
 * came in (a stream id of a megabyte in a recognition or an event) becomes a dead letter instead of
 * a failed send, an aborted transaction and a replaced stream thread.
 *
 * <p>The record's size is its key, value and header bytes: Kafka Streams and the producer serialize
 * the key and then the value on the same thread, so the key serializer leaves its size for the
 * value serializer of the same pair (a thread-local). Thread-safe.
 */
public final class SizeLimitedSerializers<K, V> {

  /**
   * Bytes of a topic's {@code max.message.bytes} kept for the record batch's and the record's
   * headers (61 and at most 21 bytes) with a margin.
   */
  public static final int OVERHEAD_BYTES = 512;

  private final String topic;
  private final int limit;
  private final Serializer<K> keys;
  private final Serializer<V> values;
  private final ThreadLocal<int[]> lastKeyBytes = ThreadLocal.withInitial(() -> new int[1]);

  private SizeLimitedSerializers(
      String topic, int maxMessageBytes, Serializer<K> keys, Serializer<V> values) {
    this.topic = topic;
    this.limit = Math.max(1, maxMessageBytes - OVERHEAD_BYTES);
    this.keys = keys;
    this.values = values;
  }

  /** The serializers of {@code topic}'s serdes, bounded by its {@code max.message.bytes}. */
  public static <K, V> SizeLimitedSerializers<K, V> of(Topic<K, V> topic) {
    return of(
        topic.name(),
        topic.maxMessageBytes(),
        topic.keySerde().serializer(),
        topic.valueSerde().serializer());
  }

  /** {@code keys} and {@code values} bounded by {@code maxMessageBytes}. */
  public static <K, V> SizeLimitedSerializers<K, V> of(
      String topic, int maxMessageBytes, Serializer<K> keys, Serializer<V> values) {
    return new SizeLimitedSerializers<>(topic, maxMessageBytes, keys, values);
  }

  /** The most key, value and header bytes a record of the topic may have. */
  public int limit() {
    return limit;
  }

  /** The key serializer; a key alone larger than the topic takes is refused. */
  public Serializer<K> keys() {
    return new Serializer<>() {
      @Override
      public byte[] serialize(String t, K data) {
        return serialize(t, null, data);
      }

      @Override
      public byte[] serialize(String t, Headers headers, K data) {
        byte[] bytes = headers == null ? keys.serialize(t, data) : keys.serialize(t, headers, data);
        int n = bytes == null ? 0 : bytes.length;
        if (n > limit) {
          lastKeyBytes.get()[0] = 0;
          throw new RecordTooLargeForTopicException(topic, n, 0, limit);
        }
        lastKeyBytes.get()[0] = n + headerBytes(headers);
        return bytes;
      }
    };
  }

  /** The value serializer; refuses a value that with the key just serialized is too large. */
  public Serializer<V> values() {
    return new Serializer<>() {
      @Override
      public byte[] serialize(String t, V data) {
        return serialize(t, null, data);
      }

      @Override
      public byte[] serialize(String t, Headers headers, V data) {
        int[] key = lastKeyBytes.get();
        int keyBytes = key[0];
        key[0] = 0;
        byte[] bytes =
            headers == null ? values.serialize(t, data) : values.serialize(t, headers, data);
        int n = bytes == null ? 0 : bytes.length;
        if ((long) keyBytes + n > limit) {
          throw new RecordTooLargeForTopicException(topic, keyBytes, n, limit);
        }
        return bytes;
      }
    };
  }

  private static int headerBytes(Headers headers) {
    if (headers == null) {
      return 0;
    }
    int n = 0;
    for (Header h : headers) {
      n += h.key().getBytes(StandardCharsets.UTF_8).length;
      n += h.value() == null ? 0 : h.value().length;
    }
    return n;
  }
}
