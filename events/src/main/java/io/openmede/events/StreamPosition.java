package io.openmede.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.openmede.schemas.values.StreamBounds;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A stream's position as the events service keeps it (changelogged, keyed by stream id): the
 * highest last frame sequence and the latest window end of the recognitions it accepted, and when
 * it last accepted one. A recognition is judged against it ({@link StreamBounds}) before any rule's
 * episode state sees it, so that one record far ahead cannot make every later window a repeat or
 * put it inside a cooldown. Stored as JSON.
 *
 * @param sequence the highest last frame sequence accepted
 * @param timeMs the latest window end accepted, epoch ms
 * @param acceptedAtMs when a recognition was last accepted, by the service's clock, epoch ms
 */
record StreamPosition(long sequence, long timeMs, long acceptedAtMs) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The position after accepting a window ending at {@code sequence} and {@code timeMs}. */
  StreamPosition advanced(long lastSequence, long endMs, long nowMs) {
    return new StreamPosition(Math.max(sequence, lastSequence), Math.max(timeMs, endMs), nowMs);
  }

  StreamBounds.Position bounds() {
    return new StreamBounds.Position(sequence, timeMs, acceptedAtMs);
  }

  static Serde<StreamPosition> serde() {
    Serializer<StreamPosition> ser =
        (topic, v) -> {
          try {
            return v == null ? null : JSON.writeValueAsBytes(v);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        };
    Deserializer<StreamPosition> de =
        (topic, b) -> {
          try {
            return b == null ? null : JSON.readValue(b, StreamPosition.class);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        };
    return Serdes.serdeFrom(ser, de);
  }
}
