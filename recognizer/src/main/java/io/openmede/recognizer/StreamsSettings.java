package io.openmede.recognizer;

import io.openmede.platform.service.GroupSession;
import io.openmede.recognizer.RecognizerSettings.ProcessingGuarantee;
import io.openmede.schemas.topic.Topics;
import io.openmede.settings.Settings;
import io.openmede.settings.SettingsException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;

/**
 * How the recognizer's Kafka Streams client runs, and the one place its properties are derived
 * ({@link #properties}).
 *
 * @param applicationId Kafka Streams application id (consumer group, state and internal topics)
 * @param guarantee the processing guarantee
 * @param streamThreads Kafka Streams threads
 * @param commitInterval Kafka Streams commit interval (transaction length under exactly-once)
 * @param stateDir where state stores live
 * @param producerLinger Kafka Streams' producer {@code linger.ms}
 * @param fetchMaxWait Kafka Streams' consumers' {@code fetch.max.wait.ms}
 * @param sessionTimeout Kafka Streams' consumers' {@code session.timeout.ms}; the heartbeat goes
 *     every third of it, at most every 3 s (Kafka's default)
 */
public record StreamsSettings(
    String applicationId,
    ProcessingGuarantee guarantee,
    int streamThreads,
    Duration commitInterval,
    Path stateDir,
    Duration producerLinger,
    Duration fetchMaxWait,
    Duration sessionTimeout) {

  /**
   * How long an idle stream thread blocks in poll before it punctuates: short, so that a pipelined
   * batch that is done is forwarded soon even when no record arrives.
   */
  static final long POLL_MS = 10L;

  public StreamsSettings {
    Objects.requireNonNull(guarantee, "guarantee");
    try {
      GroupSession.streamsProperties(RecognizerSettings.SESSION_TIMEOUT.name(), sessionTimeout);
    } catch (IllegalArgumentException e) {
      throw new SettingsException(e.getMessage());
    }
    if (applicationId.isBlank()) {
      throw new SettingsException(RecognizerSettings.APPLICATION_ID.name() + " must not be blank");
    }
  }

  /** Converts resolved settings of {@link RecognizerSettings#GROUP}. */
  public static StreamsSettings from(Settings s) {
    return new StreamsSettings(
        s.get(RecognizerSettings.APPLICATION_ID),
        s.get(RecognizerSettings.GUARANTEE),
        s.get(RecognizerSettings.STREAM_THREADS),
        s.get(RecognizerSettings.COMMIT_INTERVAL),
        Path.of(s.get(RecognizerSettings.STATE_DIR)),
        s.get(RecognizerSettings.PRODUCER_LINGER),
        s.get(RecognizerSettings.FETCH_MAX_WAIT),
        s.get(RecognizerSettings.SESSION_TIMEOUT));
  }

  /**
   * Kafka Streams' properties: {@code clientConfig} (bootstrap servers, security), then these
   * settings, then the sizes that let a frame batch of the largest size through; the caller adds
   * the exception handlers and any overrides.
   */
  public Properties properties(Map<String, Object> clientConfig) {
    Properties props = new Properties();
    props.putAll(clientConfig);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee.streamsValue());
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
    props.put(StreamsConfig.producerPrefix("linger.ms"), producerLinger.toMillis());
    props.put(
        StreamsConfig.consumerPrefix("fetch.max.wait.ms"),
        (int) Math.min(Integer.MAX_VALUE, fetchMaxWait.toMillis()));
    int session = (int) Math.min(Integer.MAX_VALUE, sessionTimeout.toMillis());
    props.put(StreamsConfig.consumerPrefix("session.timeout.ms"), session);
    props.put(
        StreamsConfig.consumerPrefix("heartbeat.interval.ms"),
        Math.max(1, Math.min(3000, session / 3)));
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.POLL_MS_CONFIG, POLL_MS);
    props.put(
        StreamsConfig.producerPrefix("max.request.size"),
        Topics.FRAME_TOPIC_MAX_MESSAGE_BYTES + Topics.SMALL_TOPIC_MAX_MESSAGE_BYTES);
    props.put(
        StreamsConfig.consumerPrefix("max.partition.fetch.bytes"),
        Topics.FRAME_TOPIC_MAX_MESSAGE_BYTES + 64 * 1024);
    return props;
  }
}
