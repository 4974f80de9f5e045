package io.openmede.events;

import io.openmede.events.rules.AlertRules;
import io.openmede.schemas.avro.AlertRule;
import io.openmede.schemas.registry.RegistryRetry;
import io.openmede.schemas.registry.SchemaRegistryException;
import io.openmede.schemas.topic.RefusedRecords;
import io.openmede.schemas.values.Identifiers;
import io.prometheus.metrics.core.metrics.Counter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The global rules store's processor. Reads raw bytes, because other programs write the rules topic
 * too: a key that is not UTF-8, a value that is not an {@link AlertRule}, or a rule that breaks
 * {@link AlertRules} is refused (a log line, {@code openmede_events_rules_refused_total{reason}}, a
 * dead letter) and the rule of that name keeps its previous good version. Nothing here throws, so
 * neither the global thread nor a restore dies of a record.
 */
final class RuleStoreUpdater implements Processor<byte[], byte[], Void, Void> {

  private static final Logger LOG = LoggerFactory.getLogger(RuleStoreUpdater.class);

  /** Tries of a decode while the schema registry is away. */
  static final int REGISTRY_ATTEMPTS = RegistryRetry.ATTEMPTS;

  private final String storeName;
  private final Deserializer<AlertRule> values;
  private final Counter refused;
  private final String topic;
  private final RefusedRecords letters;
  private ProcessorContext<Void, Void> context;
  private KeyValueStore<String, AlertRule> store;

  RuleStoreUpdater(
      String storeName,
      Deserializer<AlertRule> values,
      Counter refused,
      String topic,
      RefusedRecords letters) {
    this.storeName = storeName;
    this.values = values;
    this.refused = refused;
    this.topic = topic;
    this.letters = letters;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.context = context;
    store = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<byte[], byte[]> r) {
    String key;
    try {
      key =
          r.key() == null
              ? null
              : StandardCharsets.UTF_8
                  .newDecoder()
                  .onMalformedInput(CodingErrorAction.REPORT)
                  .onUnmappableCharacter(CodingErrorAction.REPORT)
                  .decode(ByteBuffer.wrap(r.key()))
                  .toString();
    } catch (CharacterCodingException e) {
      refuse("key", "the key is not UTF-8 (" + r.key().length + " bytes)", r);
      return;
    }
    if (key == null) {
      refuse("key", "the record has no key (the key is the rule name)", r);
      return;
    }
    if (r.value() == null) {
      if (Identifiers.ruleNameRefusal(key).isEmpty()) {
        store.delete(key);
        LOG.info("alert rule {} removed", key);
      }
      return;
    }
    AlertRule rule;
    try {
      rule = decode(r.value());
    } catch (RuntimeException | StackOverflowError e) {
      refuse(
          SchemaRegistryException.transientIn(e) ? "registry" : "value",
          "the value is not an AlertRule: " + e.getMessage(),
          r);
      return;
    }
    if (rule == null) {
      refuse("value", "the value decoded to nothing", r);
      return;
    }
    Optional<String> bad = AlertRules.refusal(key, rule);
    if (bad.isPresent()) {
      refuse("rule", bad.get(), r);
      return;
    }
    store.put(key, rule);
    LOG.info(
        "alert rule {}: {} >= {} for {} window(s) on {}",
        key,
        rule.getLabel(),
        rule.getMinProbability(),
        rule.getMinWindows(),
        rule.getStreams().isEmpty() ? "every stream" : rule.getStreams());
  }

  private AlertRule decode(byte[] value) {
    return RegistryRetry.deserialize(values, topic, value);
  }

  private void refuse(String reason, String why, Record<byte[], byte[]> r) {
    refused.labelValues(reason).inc();
    Optional<RecordMetadata> m = context == null ? Optional.empty() : context.recordMetadata();
    String where = m.map(x -> x.topic() + "-" + x.partition() + "@" + x.offset()).orElse(topic);
    LOG.warn("refused the alert rule record at {}: {}", where, why);
    letters.refuse(
        m.map(RecordMetadata::topic).orElse(topic),
        m.map(RecordMetadata::partition).orElse(-1),
        m.map(RecordMetadata::offset).orElse(-1L),
        r.key(),
        r.value(),
        reason,
        why);
  }
}
