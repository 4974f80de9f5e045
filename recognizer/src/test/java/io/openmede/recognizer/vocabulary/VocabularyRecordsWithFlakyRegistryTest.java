package io.openmede.recognizer.vocabulary;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.recognizer.metrics.RecognizerMetrics;
import io.openmede.recognizer.testing.PlainAvroSerde;
import io.openmede.schemas.avro.VocabularyEntry;
import io.openmede.schemas.registry.SchemaRegistryException;
import io.openmede.schemas.topic.GlobalStoreUpdater;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The updater with a fake deserializer whose schema registry is away for a while: a good entry is
 * decoded once the registry answers again, not refused; a registry that stays away is counted as
 * reason {@code registry}.
 */
class VocabularyRecordsWithFlakyRegistryTest {

  private final RecognizerMetrics metrics = new RecognizerMetrics();
  private final PlainAvroSerde<VocabularyEntry> serde = new PlainAvroSerde<>(VocabularyEntry.class);
  private final VocabularyEntry waving =
      new VocabularyEntry("waving", List.of(), true, Instant.ofEpochMilli(1));

  private KeyValueStore<String, VocabularyEntry> run(int failures) {
    AtomicInteger calls = new AtomicInteger();
    Deserializer<VocabularyEntry> flaky =
        (topic, data) -> {
          if (calls.incrementAndGet() <= failures) {
            throw SchemaRegistryException.unreachable(
                "http://registry:8081", new java.net.ConnectException("refused"));
          }
          return serde.deserializer().deserialize(topic, data);
        };
    MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
    KeyValueStore<String, VocabularyEntry> store =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore("vocabulary"), Serdes.String(), serde)
            .withLoggingDisabled()
            .build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    GlobalStoreUpdater<VocabularyEntry> updater =
        VocabularyRecords.updater(
            "vocabulary",
            new VocabularyBook(),
            flaky,
            metrics.vocabularyRefused,
            "v",
            io.openmede.schemas.topic.RefusedRecords.NONE);
    updater.init(context);
    updater.process(
        new Record<>(
            "waving".getBytes(StandardCharsets.UTF_8),
            serde.serializer().serialize("v", waving),
            0L));
    return store;
  }

  @Test
  void registryAwayTwice_theEntryIsDecodedWhenItAnswers() {
    KeyValueStore<String, VocabularyEntry> store = run(2);
    assertThat(store.get("waving")).isEqualTo(waving);
    assertThat(metrics.vocabularyRefused.labelValues("registry").get()).isZero();
  }

  @Test
  void registryStaysAway_theRecordIsRefusedAsRegistry() {
    KeyValueStore<String, VocabularyEntry> store = run(GlobalStoreUpdater.REGISTRY_ATTEMPTS);
    assertThat(store.get("waving")).isNull();
    assertThat(metrics.vocabularyRefused.labelValues("registry").get()).isEqualTo(1.0);
    assertThat(metrics.vocabularyRefused.labelValues("value").get()).isZero();
  }
}
