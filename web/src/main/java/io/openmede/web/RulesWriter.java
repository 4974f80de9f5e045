package io.openmede.web;

import io.openmede.schemas.avro.AlertRule;
import io.openmede.schemas.rules.AlertRules;
import io.openmede.schemas.topic.Topic;
import io.openmede.schemas.vocabulary.VocabularyRules;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes alert-rule changes made on the page, judged by {@link AlertRules} first. Thread-safe;
 * each call waits for the broker's ack. The page sets no webhooks ({@code openmede alert add
 * --webhook} does).
 */
public final class RulesWriter implements AutoCloseable {

  private final KafkaProducer<String, AlertRule> producer;
  private final Topic<String, AlertRule> topic;

  public RulesWriter(Map<String, Object> kafkaClientConfig, Topic<String, AlertRule> topic) {
    Map<String, Object> config = new HashMap<>(kafkaClientConfig);
    config.put("acks", "all");
    config.put("enable.idempotence", "true");
    config.put("client.id", "openmede-live-page-rules");
    this.producer =
        new KafkaProducer<>(config, topic.keySerde().serializer(), topic.valueSerde().serializer());
    this.topic = topic;
  }

  /**
   * Adds or replaces a rule.
   *
   * @throws IllegalArgumentException naming what the rules refuse
   */
  public AlertRule add(
      String name,
      String label,
      double minProbability,
      int minWindows,
      List<String> streams,
      Duration cooldown) {
    String clean = VocabularyRules.cleanLabel(label);
    AlertRule rule =
        AlertRule.newBuilder()
            .setName(name == null ? "" : name.strip())
            .setLabel(clean)
            .setStreams(List.copyOf(streams))
            .setMinProbability(minProbability)
            .setMinWindows(minWindows)
            .setCooldownMs(cooldown.toMillis())
            .setUpdatedAt(Instant.now())
            .build();
    Optional<String> bad = AlertRules.refusal(rule.getName(), rule);
    if (bad.isPresent()) {
      throw new IllegalArgumentException(bad.get());
    }
    send(new ProducerRecord<>(topic.name(), rule.getName(), rule));
    return rule;
  }

  /** Removes a rule (a tombstone); an open episode of it closes. */
  public void remove(String name) {
    Optional<String> bad = AlertRules.nameRefusal(name);
    if (bad.isPresent()) {
      throw new IllegalArgumentException(bad.get());
    }
    send(new ProducerRecord<>(topic.name(), name, null));
  }

  private void send(ProducerRecord<String, AlertRule> r) {
    try {
      producer.send(r).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing to " + topic.name(), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "could not publish to "
              + topic.name()
              + ": "
              + (e.getCause() == null ? e : e.getCause()).getMessage()
              + "; is Kafka reachable?",
          e);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
