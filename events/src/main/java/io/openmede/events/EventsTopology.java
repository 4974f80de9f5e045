package io.openmede.events;

import io.openmede.events.rules.AlertRules;
import io.openmede.schemas.avro.AlertRule;
import io.openmede.schemas.avro.DeadLetter;
import io.openmede.schemas.avro.Event;
import io.openmede.schemas.topic.GlobalStoreUpdater;
import io.openmede.schemas.topic.RefusedRecords;
import io.openmede.schemas.topic.SizeLimitedSerializers;
import io.openmede.schemas.topic.Topics;
import java.time.Clock;
import java.util.Optional;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events topology.
 *
 * <pre>
 * rules-source ─▶ rules-apply [rules: global]
 * recognitions-source ─▶ episodes [episode-state, stream-position] ─┬▶ events-sink (openmede.events)
 *                                                                   └▶ dead-letters-sink
 * </pre>
 *
 * Both sources read bytes: each rule and each recognition is judged on its own.
 */
public final class EventsTopology {

  private static final Logger LOG = LoggerFactory.getLogger(EventsTopology.class);

  static final String RULES_SOURCE = "rules-source";
  static final String RULES_PROCESSOR = "rules-apply";
  static final String RULES_STORE = "rules";
  static final String RECOGNITIONS_SOURCE = "recognitions-source";
  static final String EPISODE_PROCESSOR = "episodes";
  static final String EPISODE_STORE = "episode-state";
  static final String POSITION_STORE = "stream-position";
  static final String EVENTS_SINK = "events-sink";
  static final String DEAD_LETTER_SINK = "dead-letters-sink";

  private EventsTopology() {}

  /** Logs each change of the rules store. */
  private static final GlobalStoreUpdater.Listener<AlertRule> RULE_CHANGES =
      new GlobalStoreUpdater.Listener<>() {
        @Override
        public void put(String name, AlertRule rule) {
          LOG.info(
              "alert rule {}: {} >= {} for {} window(s) on {}",
              name,
              rule.getLabel(),
              rule.getMinProbability(),
              rule.getMinWindows(),
              rule.getStreams().isEmpty() ? "every stream" : rule.getStreams());
        }

        @Override
        public void deleted(String name, Optional<AlertRule> previous) {
          if (previous.isPresent()) {
            LOG.info("alert rule {} removed", name);
          }
        }
      };

  /** The topology with the default {@link EpisodeLimits} (tests). */
  public static Topology build(
      Topics topics, EventsMetrics metrics, RefusedRecords letters, Clock clock) {
    return build(topics, metrics, letters, clock, EpisodeLimits.DEFAULT);
  }

  /**
   * @param limits how far one recognition may move its stream's position, how many streams a task
   *     keeps
   * @param letters where refused rule records are dead-lettered (the global thread cannot forward
   *     to the topology's dead-letter sink)
   * @param clock stamps the events' emission time
   */
  public static Topology build(
      Topics topics,
      EventsMetrics metrics,
      RefusedRecords letters,
      Clock clock,
      EpisodeLimits limits) {
    Topology t = new Topology();
    t.addSource(
        RECOGNITIONS_SOURCE,
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer(),
        topics.recognitions().name());
    t.addProcessor(
        EPISODE_PROCESSOR,
        () ->
            new EpisodeProcessor(
                topics.recognitions().valueSerde().deserializer(),
                topics.recognitions().name(),
                metrics,
                clock,
                limits),
        RECOGNITIONS_SOURCE);
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(POSITION_STORE),
            Serdes.String(),
            StreamPosition.serde()),
        EPISODE_PROCESSOR);
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(EPISODE_STORE), Serdes.String(), StoredEpisode.serde()),
        EPISODE_PROCESSOR);
    SizeLimitedSerializers<String, Event> events = SizeLimitedSerializers.of(topics.events());
    t.addSink(
        EVENTS_SINK, topics.events().name(), events.keys(), events.values(), EPISODE_PROCESSOR);
    SizeLimitedSerializers<byte[], DeadLetter> deadLetters =
        SizeLimitedSerializers.of(topics.deadLetters());
    t.addSink(
        DEAD_LETTER_SINK,
        topics.deadLetters().name(),
        deadLetters.keys(),
        deadLetters.values(),
        EPISODE_PROCESSOR);
    t.addGlobalStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(RULES_STORE),
                Serdes.String(),
                topics.rules().valueSerde())
            .withLoggingDisabled(),
        RULES_SOURCE,
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer(),
        topics.rules().name(),
        RULES_PROCESSOR,
        () ->
            new GlobalStoreUpdater<>(
                RULES_STORE,
                topics.rules().name(),
                AlertRules.RECORDS,
                topics.rules().valueSerde().deserializer(),
                metrics.rulesRefused,
                letters,
                RULE_CHANGES));
    return t;
  }
}
