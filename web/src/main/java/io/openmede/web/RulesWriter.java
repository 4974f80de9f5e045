package io.openmede.web;

import io.openmede.events.rules.AlertRules;
import io.openmede.schemas.avro.AlertRule;
import io.openmede.schemas.topic.AckedWriter;
import io.openmede.schemas.topic.Topic;
import io.openmede.schemas.values.Identifiers;
import io.openmede.schemas.values.Labels;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Publishes alert-rule changes made on the page, judged by {@link AlertRules} first. Thread-safe;
 * each call waits for the broker's ack. The page sets no webhooks ({@code openmede alert add
 * --webhook} does).
 */
public final class RulesWriter implements AutoCloseable {

  private final AckedWriter<String, AlertRule> writer;

  public RulesWriter(Map<String, Object> kafkaClientConfig, Topic<String, AlertRule> topic) {
    this.writer = new AckedWriter<>(kafkaClientConfig, topic, "openmede-live-page-rules");
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
    return add(name, label, minProbability, Optional.empty(), minWindows, streams, cooldown);
  }

  /**
   * Adds or replaces a rule that also needs a calibrated open-set score of at least {@code
   * minScore} (empty: not required).
   *
   * @throws IllegalArgumentException naming what the rules refuse
   */
  public AlertRule add(
      String name,
      String label,
      double minProbability,
      Optional<Double> minScore,
      int minWindows,
      List<String> streams,
      Duration cooldown) {
    return add(
        name, label, minProbability, minScore, minWindows, streams, cooldown, List.of(), false);
  }

  /**
   * Adds or replaces a rule that also posts each event to {@code webhooks} and, when {@code
   * clipWebhook}, the closed event with its clip once the clip is made.
   *
   * @throws IllegalArgumentException naming what the rules refuse
   */
  public AlertRule add(
      String name,
      String label,
      double minProbability,
      Optional<Double> minScore,
      int minWindows,
      List<String> streams,
      Duration cooldown,
      List<String> webhooks,
      boolean clipWebhook) {
    String clean = Labels.clean(label);
    AlertRule rule =
        AlertRule.newBuilder()
            .setName(name == null ? "" : name.strip())
            .setLabel(clean)
            .setStreams(List.copyOf(streams))
            .setMinProbability(minProbability)
            .setMinScore(minScore.orElse(null))
            .setMinWindows(minWindows)
            .setCooldownMs(cooldown.toMillis())
            .setWebhooks(List.copyOf(webhooks))
            .setClipWebhook(clipWebhook)
            .setUpdatedAt(Instant.now())
            .build();
    Optional<String> bad = AlertRules.refusal(rule.getName(), rule);
    if (bad.isPresent()) {
      throw new IllegalArgumentException(bad.get());
    }
    writer.send(rule.getName(), rule);
    return rule;
  }

  /** Removes a rule (a tombstone); an open episode of it closes. */
  public void remove(String name) {
    Optional<String> bad = Identifiers.ruleNameRefusal(name);
    if (bad.isPresent()) {
      throw new IllegalArgumentException(bad.get());
    }
    writer.send(name, null);
  }

  @Override
  public void close() {
    writer.close();
  }
}
