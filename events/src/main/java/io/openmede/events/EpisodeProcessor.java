package io.openmede.events;

import io.openmede.events.rules.AlertRules;
import io.openmede.schemas.avro.AlertRule;
import io.openmede.schemas.avro.DeadLetter;
import io.openmede.schemas.avro.Event;
import io.openmede.schemas.avro.Recognition;
import io.openmede.schemas.topic.DeadLetterRecords;
import io.openmede.schemas.values.Identifiers;
import io.openmede.schemas.values.Printable;
import io.openmede.schemas.values.StreamBounds;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges each recognition against its stream's position ({@link StreamPosition}, {@link
 * StreamBounds}): one far ahead (a sequence near the top of the range, a window ending in year
 * 9999) is dead-lettered and adopted by no rule. Then applies it to every rule that watches its
 * stream ({@link Episodes#step}), keeps the per-rule state in a changelogged store and forwards the
 * events. A stored state whose rule is gone (removed, or no longer watching the stream) is ended on
 * the stream's next recognition: an open episode closes with that reason. A record that is not a
 * recognition is dead-lettered.
 */
final class EpisodeProcessor implements Processor<byte[], byte[], Object, Object> {

  private static final Logger LOG = LoggerFactory.getLogger(EpisodeProcessor.class);

  private final Deserializer<Recognition> recognitions;
  private final String recognitionsTopic;
  private final EventsMetrics metrics;
  private final Clock clock;
  private final StreamBounds bounds;
  private final int maxStreams;
  private ProcessorContext<Object, Object> context;
  private KeyValueStore<String, StoredEpisode> episodes;
  private KeyValueStore<String, StreamPosition> positions;
  private ReadOnlyKeyValueStore<String, AlertRule> rules;

  EpisodeProcessor(
      Deserializer<Recognition> recognitions,
      String recognitionsTopic,
      EventsMetrics metrics,
      Clock clock,
      EpisodeLimits limits) {
    this.bounds = limits.bounds();
    this.maxStreams = limits.maxStreamsPerTask();
    this.recognitions = recognitions;
    this.recognitionsTopic = recognitionsTopic;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    episodes = context.getStateStore(EventsTopology.EPISODE_STORE);
    positions = context.getStateStore(EventsTopology.POSITION_STORE);
    rules = context.getStateStore(EventsTopology.RULES_STORE);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    Recognition r;
    try {
      r = recognitions.deserialize(recognitionsTopic, record.value());
      if (r == null || r.getStreamId() == null || r.getTop() == null) {
        throw new IllegalArgumentException("the record is not a complete Recognition");
      }
    } catch (RuntimeException | StackOverflowError e) {
      deadLetter(record, e, "deserialization");
      return;
    }
    Optional<String> badId = Identifiers.streamIdRefusal(r.getStreamId());
    if (badId.isPresent()) {
      deadLetter(
          record,
          new IllegalArgumentException(
              "a recognition of a stream id of "
                  + r.getStreamId().length()
                  + " characters ("
                  + Printable.quote(r.getStreamId())
                  + "): "
                  + badId.get()),
          "bad-stream-id");
      return;
    }
    Optional<String> badScore = Episodes.scoreRefusal(r);
    if (badScore.isPresent()) {
      deadLetter(
          record,
          new IllegalArgumentException(
              "a recognition of stream "
                  + Printable.quote(r.getStreamId())
                  + " whose scores are no scores: "
                  + badScore.get()),
          "bad-score");
      return;
    }
    metrics.recognitions.inc();
    String stream = r.getStreamId();
    Instant now = clock.instant();
    if (!withinBounds(record, r, now)) {
      return;
    }
    Set<String> applied = new HashSet<>();
    for (AlertRule rule : rulesNow()) {
      if (!AlertRules.watches(rule.getStreams(), stream)) {
        continue;
      }
      applied.add(rule.getName());
      String key = StoredEpisode.key(stream, rule.getName());
      StoredEpisode stored = episodes.get(key);
      Episodes.Step step =
          Episodes.step(rule, Optional.ofNullable(stored).map(StoredEpisode::state), r, now);
      if (step.next().isPresent()) {
        episodes.put(key, new StoredEpisode(rule.getName(), rule.getLabel(), step.next().get()));
      } else {
        episodes.delete(key);
      }
      step.event().ifPresent(e -> emit(e, record.timestamp()));
    }
    List<KeyValue<String, StoredEpisode>> orphans = new ArrayList<>();
    try (KeyValueIterator<String, StoredEpisode> it =
        episodes.prefixScan(StoredEpisode.prefix(stream), new StringSerializer())) {
      while (it.hasNext()) {
        KeyValue<String, StoredEpisode> kv = it.next();
        if (kv.value != null && !applied.contains(kv.value.rule())) {
          orphans.add(kv);
        }
      }
    }
    for (KeyValue<String, StoredEpisode> kv : orphans) {
      StoredEpisode s = kv.value;
      Episodes.ended(
              s.rule(),
              s.label(),
              s.state(),
              stream,
              "the rule was removed or no longer watches this stream",
              now)
          .ifPresent(e -> emit(e, record.timestamp()));
      episodes.delete(kv.key);
    }
  }

  /**
   * Judges the recognition against its stream's position: a window that is not one (its end before
   * its start, or longer than a bound) or that would move the position beyond the {@link
   * StreamBounds} is dead-lettered and changes nothing; after {@code streams.resync-after} with
   * nothing accepted, such a window starts the stream afresh (its episodes end). Keeps the position
   * of an accepted one.
   *
   * @return whether the recognition goes on to the rules
   */
  private boolean withinBounds(Record<byte[], byte[]> record, Recognition r, Instant now) {
    String stream = r.getStreamId();
    long first = r.getFirstSequence();
    long last = r.getLastSequence();
    long start = r.getWindowStart().toEpochMilli();
    long end = r.getWindowEnd().toEpochMilli();
    if (last < first
        || distance(last, first) > bounds.maxSequenceJump()
        || end < start
        || distance(end, start) > bounds.maxTimeJump().toMillis()) {
      deadLetter(
          record,
          new IllegalArgumentException(
              "the window of frames "
                  + first
                  + "-"
                  + last
                  + " from "
                  + start
                  + " to "
                  + end
                  + " ms of stream "
                  + Printable.quote(stream)
                  + " is not a window: its end must not be before its start, nor further than"
                  + " streams.max-sequence-jump frames and streams.max-time-jump from it"),
          "out-of-bounds");
      return false;
    }
    long nowMs = now.toEpochMilli();
    StreamPosition at = positions.get(stream);
    if (at != null) {
      StreamBounds.Judgement j = bounds.judge(at.bounds(), last, end, nowMs);
      if (j.verdict() == StreamBounds.Verdict.REFUSE) {
        deadLetter(
            record,
            new IllegalArgumentException(
                "the recognition of frames "
                    + first
                    + "-"
                    + last
                    + " of stream "
                    + Printable.quote(stream)
                    + ": "
                    + j.reason()),
            "out-of-bounds");
        return false;
      }
      if (j.verdict() == StreamBounds.Verdict.RESYNC) {
        LOG.warn("stream {} starts afresh: {}", Printable.quote(stream), j.reason());
        metrics.streamResyncs.inc();
        endAll(stream, "the stream started afresh: " + j.reason(), record.timestamp(), now);
        at = null;
      }
    }
    if (at == null && positions.get(stream) == null) {
      long held = positions.approximateNumEntries();
      if (held >= maxStreams) {
        deadLetter(
            record,
            new IllegalArgumentException(
                "stream "
                    + Printable.quote(stream)
                    + " is new and this task already keeps the state of "
                    + held
                    + " streams, its limit ("
                    + EpisodeLimits.MAX_STREAMS_PER_TASK.name()
                    + "="
                    + maxStreams
                    + "): raise it if these are real cameras, or add partitions and instances"),
            "too-many-streams");
        return false;
      }
    }
    positions.put(
        stream, at == null ? new StreamPosition(last, end, nowMs) : at.advanced(last, end, nowMs));
    return true;
  }

  /** Ends every stored episode of {@code stream}: an open one closes with {@code why}. */
  private void endAll(String stream, String why, long timestamp, Instant now) {
    List<KeyValue<String, StoredEpisode>> all = new ArrayList<>();
    try (KeyValueIterator<String, StoredEpisode> it =
        episodes.prefixScan(StoredEpisode.prefix(stream), new StringSerializer())) {
      while (it.hasNext()) {
        all.add(it.next());
      }
    }
    for (KeyValue<String, StoredEpisode> kv : all) {
      if (kv.value != null) {
        Episodes.ended(kv.value.rule(), kv.value.label(), kv.value.state(), stream, why, now)
            .ifPresent(e -> emit(e, timestamp));
      }
      episodes.delete(kv.key);
    }
  }

  /** {@code a - b} when positive, without overflow ({@link Long#MAX_VALUE} when it overflows). */
  private static long distance(long a, long b) {
    if (a <= b) {
      return 0;
    }
    long d = a - b;
    return d < 0 ? Long.MAX_VALUE : d;
  }

  private List<AlertRule> rulesNow() {
    List<AlertRule> out = new ArrayList<>();
    try (KeyValueIterator<String, AlertRule> it = rules.all()) {
      while (it.hasNext()) {
        AlertRule rule = it.next().value;
        if (rule != null) {
          out.add(rule);
        }
      }
    }
    return out;
  }

  private void emit(Event e, long timestamp) {
    metrics.events.labelValues(e.getRule(), e.getLabel(), e.getState().name()).inc();
    LOG.info(
        "event {} {}: {} on {} (windows {}, peak {})",
        e.getState(),
        e.getEventId(),
        e.getLabel(),
        e.getStreamId(),
        e.getWindows(),
        String.format(java.util.Locale.ROOT, "%.3f", e.getPeakProbability()));
    context.forward(
        new Record<Object, Object>(e.getStreamId(), e, timestamp), EventsTopology.EVENTS_SINK);
  }

  private void deadLetter(Record<byte[], byte[]> record, Throwable e, String reason) {
    metrics.deadLetters.labelValues(reason).inc();
    Optional<RecordMetadata> m = context.recordMetadata();
    LOG.warn(
        "dead letter {}: {}: {}",
        m.map(x -> x.topic() + "-" + x.partition() + "@" + x.offset()).orElse(recognitionsTopic),
        reason,
        e.getMessage());
    DeadLetter letter =
        DeadLetterRecords.of(
            m.map(
                    x ->
                        DeadLetterRecords.Source.at(
                            x.topic(), x.partition(), x.offset(), record.key(), record.value()))
                .orElseGet(
                    () ->
                        DeadLetterRecords.Source.unplaced(
                            recognitionsTopic, record.key(), record.value())),
            e,
            "events",
            clock.instant());
    context.forward(
        new Record<Object, Object>(record.key(), letter, record.timestamp()),
        EventsTopology.DEAD_LETTER_SINK);
  }
}
