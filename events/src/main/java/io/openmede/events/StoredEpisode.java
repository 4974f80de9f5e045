package io.openmede.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * One entry of the episode store, keyed by stream and rule: the rule's name and label (to close an
 * open episode of a rule that is gone) and its {@link EpisodeState}. Stored as JSON.
 */
record StoredEpisode(String rule, String label, EpisodeState state) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The store key: stream, NUL, rule (a prefix scan by stream finds every rule of a stream). */
  static String key(String stream, String rule) {
    return stream + '\u0000' + rule;
  }

  /** The prefix of every key of {@code stream}. */
  static String prefix(String stream) {
    return stream + '\u0000';
  }

  static Serde<StoredEpisode> serde() {
    Serializer<StoredEpisode> ser =
        (topic, v) -> {
          try {
            return v == null ? null : JSON.writeValueAsBytes(v);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        };
    Deserializer<StoredEpisode> de =
        (topic, b) -> {
          try {
            return b == null ? null : JSON.readValue(b, StoredEpisode.class);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        };
    return Serdes.serdeFrom(ser, de);
  }
}
