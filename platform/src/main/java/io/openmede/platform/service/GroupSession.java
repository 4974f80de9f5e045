package io.openmede.platform.service;

import java.time.Duration;
import java.util.Map;

/**
 * The consumer group session of a Kafka Streams service: how long the group waits for a member that
 * stopped heartbeating (a crashed process, or a failed stream thread that Kafka Streams replaced
 * without leaving the group) before its partitions move, and how often members heartbeat.
 */
public final class GroupSession {

  /** Kafka's default heartbeat interval, the longest one used here. */
  static final long MAX_HEARTBEAT_MS = 3000;

  private GroupSession() {}

  /**
   * Kafka Streams properties for this session timeout: {@code consumer.session.timeout.ms} and a
   * heartbeat every third of it, at most every 3 s.
   *
   * @param setting the setting's name, for the error
   * @throws IllegalArgumentException below 1 s (the broker refuses less than its {@code
   *     group.min.session.timeout.ms}, 6 s by default)
   */
  public static Map<String, Object> streamsProperties(String setting, Duration timeout) {
    if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException(
          setting
              + " must be at least 1s (the broker refuses less than its"
              + " group.min.session.timeout.ms, 6s by default); it is "
              + timeout.toMillis()
              + "ms");
    }
    int session = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    return Map.of(
        "consumer.session.timeout.ms",
        session,
        "consumer.heartbeat.interval.ms",
        (int) Math.min(MAX_HEARTBEAT_MS, session / 3));
  }
}
