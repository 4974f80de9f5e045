package io.openmede.recognizer;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.schemas.topic.Topics;
import io.openmede.schemas.values.InputBounds;
import io.openmede.settings.Settings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class StreamsSettingsTest {

  private static StreamsSettings from(Map<String, String> values) {
    return StreamsSettings.from(
        Settings.of(List.of(RecognizerSettings.GROUP, InputBounds.GROUP), values));
  }

  @Test
  void properties_carryTheClientConfig_theSettings_andTheFrameSizes() {
    Properties p =
        from(Map.of())
            .properties(
                Map.of("bootstrap.servers", "broker:9093", "security.protocol", "SASL_SSL"));
    assertThat(p)
        .containsEntry("bootstrap.servers", "broker:9093")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("application.id", "openmede-recognizer")
        .containsEntry("processing.guarantee", "exactly_once_v2")
        .containsEntry("num.stream.threads", 1)
        .containsEntry("commit.interval.ms", 30L)
        .containsEntry("producer.linger.ms", 100L)
        .containsEntry("consumer.fetch.max.wait.ms", 500)
        .containsEntry("consumer.session.timeout.ms", 45_000)
        .containsEntry("consumer.heartbeat.interval.ms", 3000)
        .containsEntry("poll.ms", 10L)
        .containsEntry(
            "producer.max.request.size",
            Topics.FRAME_TOPIC_MAX_MESSAGE_BYTES + Topics.SMALL_TOPIC_MAX_MESSAGE_BYTES)
        .containsEntry(
            "consumer.max.partition.fetch.bytes", Topics.FRAME_TOPIC_MAX_MESSAGE_BYTES + 64 * 1024);
    assertThat(p.getProperty("state.dir")).endsWith("openmede-recognizer");
  }

  @Test
  void properties_followTheSettings() {
    Properties p =
        from(Map.of(
                "recognizer.application.id", "rec-b",
                "recognizer.processing.guarantee", "at-least-once",
                "recognizer.stream.threads", "3",
                "recognizer.commit.interval", "45ms",
                "recognizer.producer.linger", "5ms",
                "recognizer.consumer.fetch.max.wait", "20ms",
                "recognizer.consumer.session.timeout", "6s",
                "recognizer.state.dir", "/var/lib/openmede/state"))
            .properties(Map.of());
    assertThat(p)
        .containsEntry("application.id", "rec-b")
        .containsEntry("processing.guarantee", "at_least_once")
        .containsEntry("num.stream.threads", 3)
        .containsEntry("commit.interval.ms", 45L)
        .containsEntry("producer.linger.ms", 5L)
        .containsEntry("consumer.fetch.max.wait.ms", 20)
        .containsEntry("consumer.session.timeout.ms", 6000)
        .containsEntry("consumer.heartbeat.interval.ms", 2000)
        .containsEntry("state.dir", Path.of("/var/lib/openmede/state").toString());
  }
}
