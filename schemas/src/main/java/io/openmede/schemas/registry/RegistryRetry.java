package io.openmede.schemas.registry;

import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decoding a record of a compacted topic that a store is built from (the vocabulary, the alert
 * rules), asking the schema registry again while it is away, so that a good record is not lost to a
 * registry restart. Any other failure is the record's and is thrown at once.
 */
public final class RegistryRetry {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryRetry.class);

  /** Tries of a decode while the schema registry is away (pausing 0.5, 1, 2, 4 s). */
  public static final int ATTEMPTS = 5;

  private RegistryRetry() {}

  /**
   * {@code values.deserialize(topic, value)}, tried up to {@value #ATTEMPTS} times while the
   * failure is the registry's ({@link SchemaRegistryException#transientIn}).
   *
   * @throws RuntimeException the last failure: the record's, or the registry's after the last try
   *     (or when the thread is interrupted while it pauses)
   */
  public static <T> T deserialize(Deserializer<T> values, String topic, byte[] value) {
    long pause = 500;
    for (int attempt = 1; ; attempt++) {
      try {
        return values.deserialize(topic, value);
      } catch (RuntimeException e) {
        if (attempt >= ATTEMPTS || !SchemaRegistryException.transientIn(e)) {
          throw e;
        }
        LOG.warn(
            "the schema registry is away while reading {} ({}); asking again in {} ms",
            topic,
            e.getMessage(),
            pause);
        try {
          Thread.sleep(pause);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
        pause *= 2;
      }
    }
  }
}
