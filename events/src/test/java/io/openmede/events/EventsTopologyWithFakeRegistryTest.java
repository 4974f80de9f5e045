package io.openmede.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.schemas.avro.AlertRule;
import io.openmede.schemas.avro.DeadLetter;
import io.openmede.schemas.avro.Event;
import io.openmede.schemas.avro.EventState;
import io.openmede.schemas.avro.LabelScore;
import io.openmede.schemas.avro.Recognition;
import io.openmede.schemas.registry.SchemaRegistryClient;
import io.openmede.schemas.registry.SchemaRegistryException;
import io.openmede.schemas.topic.StreamsDeadLetters;
import io.openmede.schemas.topic.TopicNames;
import io.openmede.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The events topology in a TopologyTestDriver, with a FAKE in-memory schema registry (the real one
 * is exercised in the integration tests): episodes open once after N holding windows, close once,
 * respect the cooldown; rules change at runtime; bad rules and bad recognitions are refused and the
 * rest goes on.
 */
class EventsTopologyWithFakeRegistryTest {

  /** A fake registry: ids from 1 up, one per distinct schema. */
  static final class FakeRegistry implements SchemaRegistryClient {
    private final Map<Integer, Schema> byId = new HashMap<>();
    private final Map<String, Integer> ids = new HashMap<>();

    @Override
    public synchronized int register(String subject, Schema schema) {
      return ids.computeIfAbsent(
          subject + "|" + schema,
          k -> {
            int id = byId.size() + 1;
            byId.put(id, schema);
            return id;
          });
    }

    @Override
    public synchronized Schema getById(int id) {
      Schema s = byId.get(id);
      if (s == null) {
        throw SchemaRegistryException.refused(
            "fetching schema id " + id, 404, SchemaRegistryException.SCHEMA_NOT_FOUND, "not found");
      }
      return s;
    }

    @Override
    public synchronized Optional<Integer> lookUp(String subject, Schema schema) {
      return Optional.ofNullable(ids.get(subject + "|" + schema));
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
      return true;
    }
  }

  static final Topics TOPICS = Topics.create(TopicNames.defaults(), new FakeRegistry(), Map.of());

  /** A clock the tests move. */
  static final class MovableClock extends Clock {
    volatile long ms;

    MovableClock(long ms) {
      this.ms = ms;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(ms);
    }
  }

  final MovableClock clock = new MovableClock(9_000_000);

  @TempDir Path stateDir;
  final EventsMetrics metrics = new EventsMetrics();
  final List<String> refusedRules = new ArrayList<>();
  TopologyTestDriver driver;
  TestInputTopic<String, Recognition> recognitions;
  TestInputTopic<byte[], byte[]> rawRecognitions;
  TestInputTopic<String, AlertRule> rules;
  TestInputTopic<byte[], byte[]> rawRules;
  TestOutputTopic<String, Event> events;
  TestOutputTopic<byte[], DeadLetter> deadLetters;

  @BeforeEach
  void start() {
    start(TOPICS);
  }

  /** (Re)starts the driver on {@code topics}. */
  void start(Topics topics) {
    start(topics, EpisodeLimits.DEFAULT);
  }

  /** (Re)starts the driver on {@code topics} with {@code limits}. */
  void start(Topics topics, EpisodeLimits limits) {
    if (driver != null) {
      driver.close();
    }
    Properties p = new Properties();
    p.put("application.id", "events-test");
    p.put("bootstrap.servers", "unused:9092");
    p.put("state.dir", stateDir.toString());
    Map<Object, Object> handlers = new HashMap<>();
    StreamsDeadLetters.configure(handlers, topics.deadLetters(), "events", metrics.deadLetters);
    p.putAll(handlers);
    driver =
        new TopologyTestDriver(
            EventsTopology.build(
                topics,
                metrics,
                (topic, partition, offset, key, value, reason, why) ->
                    refusedRules.add(topic + "@" + offset + " " + reason),
                clock,
                limits),
            p);
    recognitions =
        driver.createInputTopic(
            TOPICS.recognitions().name(),
            new StringSerializer(),
            TOPICS.recognitions().valueSerde().serializer());
    rawRecognitions =
        driver.createInputTopic(
            TOPICS.recognitions().name(), new ByteArraySerializer(), new ByteArraySerializer());
    rules =
        driver.createInputTopic(
            TOPICS.rules().name(),
            new StringSerializer(),
            TOPICS.rules().valueSerde().serializer());
    rawRules =
        driver.createInputTopic(
            TOPICS.rules().name(), new ByteArraySerializer(), new ByteArraySerializer());
    events =
        driver.createOutputTopic(
            TOPICS.events().name(),
            new StringDeserializer(),
            TOPICS.events().valueSerde().deserializer());
    deadLetters =
        driver.createOutputTopic(
            TOPICS.deadLetters().name(),
            new ByteArrayDeserializer(),
            TOPICS.deadLetters().valueSerde().deserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  static AlertRule rule(String name, String label, double p, int windows, Duration cooldown) {
    return AlertRule.newBuilder()
        .setName(name)
        .setLabel(label)
        .setMinProbability(p)
        .setMinWindows(windows)
        .setCooldownMs(cooldown.toMillis())
        .setUpdatedAt(Instant.ofEpochMilli(1))
        .build();
  }

  /** Window {@code w} of {@code stream}: frames 8w..8w+7 at 8 fps, the label at {@code p}. */
  void window(String stream, int w, String label, double p) {
    recognition(stream, 8L * w, 8L * w + 7, 1000L * w, 1000L * w + 875, label, p);
  }

  /** A recognition of frames {@code first..last} from {@code startMs} to {@code endMs}. */
  void recognition(
      String stream, long first, long last, long startMs, long endMs, String label, double p) {
    recognition(stream, first, last, startMs, endMs, new LabelScore(label, p, 0.3, null));
  }

  /** A recognition whose best label is {@code best}. */
  void recognition(
      String stream, long first, long last, long startMs, long endMs, LabelScore best) {
    double p = best.getProbability();
    Recognition r =
        Recognition.newBuilder()
            .setStreamId(stream)
            .setFirstSequence(first)
            .setLastSequence(last)
            .setWindowStart(Instant.ofEpochMilli(startMs))
            .setWindowEnd(Instant.ofEpochMilli(endMs))
            .setTop(List.of(best, new LabelScore("other", p >= 0 && p <= 1 ? 1 - p : 0, 0.1, null)))
            .setModelVersion("m")
            .setVocabularyVersion(1)
            .setProcessingLatencyMs(10)
            .setRecognizedAt(Instant.ofEpochMilli(endMs + 25))
            .build();
    recognitions.pipeInput(stream, r);
  }

  List<String> events() {
    List<String> out = new ArrayList<>();
    for (Event e : events.readValuesToList()) {
      out.add(
          e.getState()
              + " "
              + e.getEventId()
              + " windows="
              + e.getWindows()
              + " last="
              + e.getLastSequence());
    }
    return out;
  }

  @Test
  void anEpisodeOpensAfterNHoldingWindowsNotBefore_andClosesOnce() {
    rules.pipeInput("falls", rule("falls", "falling", 0.6, 3, Duration.ZERO));
    window("cam-1", 0, "falling", 0.9);
    window("cam-1", 1, "falling", 0.5); // breaks the run
    window("cam-1", 2, "falling", 0.7);
    window("cam-1", 3, "falling", 0.8);
    assertThat(events.isEmpty()).as("two holding windows are not three").isTrue();
    window("cam-1", 4, "falling", 0.95);
    window("cam-1", 5, "falling", 0.9); // extends silently
    window("cam-1", 6, "waving", 0.9); // falling not in the top: 0
    window("cam-1", 7, "waving", 0.9);
    List<Event> got = events.readValuesToList();
    assertThat(got).hasSize(2);
    Event opened = got.get(0);
    Event closed = got.get(1);
    assertThat(opened.getState()).isEqualTo(EventState.OPENED);
    assertThat(opened.getEventId()).isEqualTo("falls/cam-1/16");
    assertThat(opened.getFirstSequence()).isEqualTo(16);
    assertThat(opened.getLastSequence()).isEqualTo(39);
    assertThat(opened.getWindows()).isEqualTo(3);
    assertThat(opened.getPeakProbability()).isEqualTo(0.95);
    assertThat(opened.getSnapshotSequence()).isEqualTo(35); // middle of window 4
    assertThat(opened.getStartedAt()).isEqualTo(Instant.ofEpochMilli(2000));
    assertThat(closed.getState()).isEqualTo(EventState.CLOSED);
    assertThat(closed.getEventId()).isEqualTo(opened.getEventId());
    assertThat(closed.getWindows()).isEqualTo(4);
    assertThat(closed.getLastSequence()).isEqualTo(47);
    assertThat(closed.getCloseReason()).contains("fell to 0.000");
    assertThat(metrics.events.labelValues("falls", "falling", "OPENED").get()).isEqualTo(1.0);
    assertThat(metrics.events.labelValues("falls", "falling", "CLOSED").get()).isEqualTo(1.0);
  }

  @Test
  void theCooldownHoldsOffTheNextEpisode() {
    rules.pipeInput("falls", rule("falls", "falling", 0.6, 1, Duration.ofMillis(2500)));
    window("cam-1", 0, "falling", 0.9); // opens
    window("cam-1", 1, "falling", 0.1); // closes at 1.875 s: quiet until 4.375 s
    window("cam-1", 2, "falling", 0.9);
    window("cam-1", 3, "falling", 0.9);
    window("cam-1", 4, "falling", 0.9); // starts at 4 s: still quiet
    window("cam-1", 5, "falling", 0.9); // starts at 5 s: opens
    assertThat(events())
        .containsExactly(
            "OPENED falls/cam-1/0 windows=1 last=7",
            "CLOSED falls/cam-1/0 windows=1 last=7",
            "OPENED falls/cam-1/40 windows=1 last=47");
  }

  @Test
  void rulesAddedChangedAndRemovedAtRuntimeTakeEffectOnTheNextRecognition() {
    window("cam-1", 0, "falling", 0.9);
    assertThat(events()).as("no rule yet").isEmpty();
    rules.pipeInput("falls", rule("falls", "falling", 0.95, 1, Duration.ZERO));
    window("cam-1", 1, "falling", 0.9);
    assertThat(events()).as("0.9 is below 0.95").isEmpty();
    rules.pipeInput("falls", rule("falls", "falling", 0.8, 1, Duration.ZERO));
    window("cam-1", 2, "falling", 0.9);
    assertThat(events()).containsExactly("OPENED falls/cam-1/16 windows=1 last=23");
    rules.pipeInput("falls", (AlertRule) null);
    window("cam-1", 3, "falling", 0.9);
    List<Event> closed = events.readValuesToList();
    assertThat(closed).hasSize(1);
    assertThat(closed.get(0).getState()).isEqualTo(EventState.CLOSED);
    assertThat(closed.get(0).getEventId()).isEqualTo("falls/cam-1/16");
    assertThat(closed.get(0).getCloseReason()).contains("removed");
    window("cam-1", 4, "falling", 0.9);
    assertThat(events()).as("the rule is gone").isEmpty();
  }

  @Test
  void aRuleWatchesOnlyTheStreamsItsGlobsMatch() {
    AlertRule r = rule("doors", "opening", 0.5, 1, Duration.ZERO);
    r.setStreams(List.of("door-*", "gate-?"));
    rules.pipeInput("doors", r);
    window("door-front", 0, "opening", 0.9);
    window("gate-1", 0, "opening", 0.9);
    window("gate-12", 0, "opening", 0.9);
    window("cam-1", 0, "opening", 0.9);
    assertThat(events())
        .containsExactly(
            "OPENED doors/door-front/0 windows=1 last=7", "OPENED doors/gate-1/0 windows=1 last=7");
  }

  @Test
  void badRulesAreRefusedWithAReason_andTheOthersGoOn() {
    rules.pipeInput("falls", rule("falls", "falling", 0.6, 1, Duration.ZERO));
    rawRules.pipeInput("junk".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3});
    rawRules.pipeInput(new byte[] {(byte) 0xff}, new byte[] {0});
    rules.pipeInput("huge", rule("huge", "falling", 2.0, 1, Duration.ZERO));
    rules.pipeInput("other-name", rule("falls", "falling", 0.1, 1, Duration.ZERO));
    AlertRule hook = rule("hook", "falling", 0.5, 1, Duration.ZERO);
    hook.setWebhooks(List.of("file:///etc/passwd"));
    rules.pipeInput("hook", hook);
    // a changed "falls" that is refused leaves the previous good one in force
    rules.pipeInput("falls", rule("falls", "", 0.6, 1, Duration.ZERO));
    window("cam-1", 0, "falling", 0.9);
    assertThat(events()).containsExactly("OPENED falls/cam-1/0 windows=1 last=7");
    assertThat(refusedRules)
        .containsExactly(
            TOPICS.rules().name() + "@1 value",
            TOPICS.rules().name() + "@2 key",
            TOPICS.rules().name() + "@3 rule",
            TOPICS.rules().name() + "@4 rule",
            TOPICS.rules().name() + "@5 rule",
            TOPICS.rules().name() + "@6 rule");
    assertThat(metrics.rulesRefused.labelValues("rule").get()).isEqualTo(4.0);
  }

  @Test
  void aRecordThatIsNotARecognitionIsDeadLettered_andTheNextOneCounts() {
    rules.pipeInput("falls", rule("falls", "falling", 0.6, 1, Duration.ZERO));
    rawRecognitions.pipeInput("cam-1".getBytes(StandardCharsets.UTF_8), new byte[] {0, 0, 0});
    window("cam-1", 0, "falling", 0.9);
    window("cam-1", 0, "falling", 0.9); // a repeat changes nothing
    List<DeadLetter> letters = deadLetters.readValuesToList();
    assertThat(letters).hasSize(1);
    assertThat(letters.get(0).getSourceTopic()).isEqualTo(TOPICS.recognitions().name());
    assertThat(letters.get(0).getOffset()).isEqualTo(0L);
    assertThat(letters.get(0).getService()).isEqualTo("events");
    assertThat(events()).containsExactly("OPENED falls/cam-1/0 windows=1 last=7");
  }

  @Test
  void aRecognitionOfAStreamIdOverTheLimitIsDeadLettered_andTheSameKeyGoesOn() {
    rules.pipeInput("falls", rule("falls", "falling", 0.6, 1, Duration.ZERO));
    window("x".repeat(300_000), 0, "falling", 0.9);
    window("cam-1", 0, "falling", 0.9);
    List<DeadLetter> letters = deadLetters.readValuesToList();
    assertThat(letters).hasSize(1);
    assertThat(letters.get(0).getError())
        .contains("a stream id of 300000 characters")
        .contains("must be 1 to 200 characters");
    assertThat(metrics.deadLetters.labelValues("bad-stream-id").get()).isEqualTo(1.0);
    assertThat(events()).containsExactly("OPENED falls/cam-1/0 windows=1 last=7");
  }

  @Test
  void anEventLargerThanItsTopicTakes_isDeadLetteredByTheProductionHandler_othersGoOn() {
    // an events topic of 1024 bytes takes 512 bytes of key and value; an event carries its
    // stream id three times (key, stream, event id): 190 characters do not fit, "c" does
    start(
        new Topics(
            TOPICS.frames(),
            TOPICS.vocabulary(),
            TOPICS.recognitions(),
            TOPICS.labeledClips(),
            TOPICS.checkpoints(),
            TOPICS.deadLetters(),
            TOPICS.rules(),
            TOPICS.events().withMaxMessageBytes(1024),
            TOPICS.feedback(),
            TOPICS.clips()));
    rules.pipeInput("falls", rule("falls", "falling", 0.6, 1, Duration.ZERO));
    String longId = "s".repeat(190);
    window(longId, 0, "falling", 0.9);
    window("c", 0, "falling", 0.9);
    assertThat(events()).containsExactly("OPENED falls/c/0 windows=1 last=7");
    List<DeadLetter> letters = deadLetters.readValuesToList();
    assertThat(letters).hasSize(1);
    assertThat(letters.get(0).getError())
        .startsWith("too-large: the output to " + TOPICS.events().name() + " was refused")
        .contains("is larger than topic " + TOPICS.events().name() + " takes");
    assertThat(letters.get(0).getOriginalKey())
        .isEqualTo(java.nio.ByteBuffer.wrap(longId.getBytes(StandardCharsets.UTF_8)));
    assertThat(metrics.deadLetters.labelValues("too-large").get()).isEqualTo(1.0);
  }

  @Test
  void aRecognitionWithASequenceFarAhead_isRefused_andTheSameRuleAndStreamStillOpenEpisodes() {
    rules.pipeInput("falls", rule("falls", "falling", 0.6, 1, Duration.ZERO));
    window("cam-1", 0, "falling", 0.9);
    window("cam-1", 1, "falling", 0.1);
    recognition("cam-1", Long.MAX_VALUE - 100, Long.MAX_VALUE - 93, 2000, 2875, "falling", 0.9);
    window("cam-1", 2, "falling", 0.1);
    window("cam-1", 3, "falling", 0.9);
    assertThat(events())
        .containsExactly(
            "OPENED falls/cam-1/0 windows=1 last=7",
            "CLOSED falls/cam-1/0 windows=1 last=7",
            "OPENED falls/cam-1/24 windows=1 last=31");
    List<DeadLetter> letters = deadLetters.readValuesToList();
    assertThat(letters).hasSize(1);
    assertThat(letters.get(0).getError())
        .contains("frames ahead of the stream's position 15")
        .contains("streams.max-sequence-jump=100000");
    assertThat(metrics.deadLetters.labelValues("out-of-bounds").get()).isEqualTo(1.0);
  }

  @Test
  void aRecognitionEndingInYear9999_isRefused_andTheCooldownIsNotMovedThere() {
    long year9999 = Instant.parse("9999-12-31T00:00:00Z").toEpochMilli();
    rules.pipeInput("falls", rule("falls", "falling", 0.6, 1, Duration.ofSeconds(1)));
    window("cam-1", 0, "falling", 0.9);
    // a low window in year 9999 would close the episode with a cooldown until then
    recognition("cam-1", 8, 15, year9999, year9999 + 875, "falling", 0.1);
    // a window from a real start to year 9999 is no window either
    recognition("cam-1", 8, 15, 1000, year9999, "falling", 0.1);
    window("cam-1", 1, "falling", 0.1);
    window("cam-1", 3, "falling", 0.9);
    assertThat(events())
        .containsExactly(
            "OPENED falls/cam-1/0 windows=1 last=7",
            "CLOSED falls/cam-1/0 windows=1 last=7",
            "OPENED falls/cam-1/24 windows=1 last=31");
    List<DeadLetter> letters = deadLetters.readValuesToList();
    assertThat(letters).hasSize(2);
    assertThat(letters.get(0).getError()).contains("streams.max-time-jump=PT10M");
    assertThat(letters.get(1).getError()).contains("is not a window");
  }

  @Test
  void aStreamWhoseNumberingRestarted_isTakenUpAfterResyncAfter_itsOpenEpisodeClosed() {
    rules.pipeInput("falls", rule("falls", "falling", 0.6, 1, Duration.ZERO));
    window("cam-1", 20_000, "falling", 0.9);
    window("cam-1", 0, "falling", 0.9); // 160000 frames behind: refused while the stream flows
    clock.ms += Duration.ofSeconds(61).toMillis();
    window("cam-1", 1, "falling", 0.9); // nothing accepted for 61 s: the stream starts afresh
    window("cam-1", 2, "falling", 0.9);
    assertThat(events())
        .containsExactly(
            "OPENED falls/cam-1/160000 windows=1 last=160007",
            "CLOSED falls/cam-1/160000 windows=1 last=160007",
            "OPENED falls/cam-1/8 windows=1 last=15");
    assertThat(deadLetters.readValuesToList()).hasSize(1);
    assertThat(metrics.streamResyncs.get()).isEqualTo(1.0);
  }

  @Test
  void streamsBeyondTheTasksLimit_areRefusedWithTheSetting_andKnownStreamsGoOn() {
    start(TOPICS, new EpisodeLimits(io.openmede.schemas.values.StreamBounds.DEFAULT, 2));
    rules.pipeInput("falls", rule("falls", "falling", 0.6, 1, Duration.ZERO));
    window("cam-1", 0, "falling", 0.9);
    window("cam-2", 0, "falling", 0.9);
    window("cam-3", 0, "falling", 0.9);
    window("cam-1", 1, "falling", 0.1);
    assertThat(events())
        .containsExactly(
            "OPENED falls/cam-1/0 windows=1 last=7",
            "OPENED falls/cam-2/0 windows=1 last=7",
            "CLOSED falls/cam-1/0 windows=1 last=7");
    List<DeadLetter> letters = deadLetters.readValuesToList();
    assertThat(letters).hasSize(1);
    assertThat(letters.get(0).getError())
        .contains("stream 'cam-3' is new")
        .contains("events.streams.max-per-task=2");
    assertThat(metrics.deadLetters.labelValues("too-many-streams").get()).isEqualTo(1.0);
  }

  @Test
  void recognitionsWithScoresThatAreNoScores_areRefused_andEveryRuleOfTheStreamGoesOn() {
    AlertRule scored = rule("scored", "falling", 0.6, 1, Duration.ZERO);
    scored.setMinScore(0.5);
    rules.pipeInput("scored", scored);
    rules.pipeInput("plain", rule("plain", "waving", 0.6, 1, Duration.ZERO));
    double[][] bad = {
      {Double.NaN, 0.9}, {0.9, Double.NaN}, {Double.POSITIVE_INFINITY, 0.9}, {0.9, 7}, {-1, 0.9}
    };
    for (int i = 0; i < bad.length; i++) {
      // a NaN compares false with every minimum: before, each of these opened an episode
      recognition(
          "cam-1",
          8L * i,
          8L * i + 7,
          1000L * i,
          1000L * i + 875,
          new LabelScore("falling", bad[i][0], 0.3, bad[i][1]));
    }
    recognition("cam-1", 40, 47, 5000, 5875, new LabelScore("falling", 0.9, 0.3, 0.8));
    recognition("cam-2", 0, 7, 0, 875, new LabelScore("waving", 0.9, 0.3, null));
    assertThat(events())
        .containsExactly(
            "OPENED scored/cam-1/40 windows=1 last=47", "OPENED plain/cam-2/0 windows=1 last=7");
    List<DeadLetter> letters = deadLetters.readValuesToList();
    assertThat(letters).hasSize(bad.length);
    assertThat(letters.get(0).getError()).contains("probability NaN, not in [0, 1]");
    assertThat(letters.get(1).getError()).contains("calibrated score NaN, not in [0, 1]");
    assertThat(metrics.deadLetters.labelValues("bad-score").get()).isEqualTo(bad.length);
  }
}
