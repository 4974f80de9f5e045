package io.openmede.recognizer;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.recognizer.metrics.RecognizerMetrics;
import io.openmede.recognizer.score.ClipScorer;
import io.openmede.recognizer.score.RankedLabel;
import io.openmede.recognizer.score.ScoredBatch;
import io.openmede.recognizer.score.ScorerPool;
import io.openmede.recognizer.score.ScoringMode;
import io.openmede.recognizer.score.WindowScore;
import io.openmede.recognizer.swap.ModelSlot;
import io.openmede.recognizer.testing.Frames;
import io.openmede.recognizer.testing.PlainAvroSerde;
import io.openmede.recognizer.vocabulary.VocabularySnapshot;
import io.openmede.recognizer.window.ClipWindow;
import io.openmede.recognizer.window.WindowConfig;
import io.openmede.recognizer.window.WindowSpacing;
import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.DeadLetter;
import io.openmede.schemas.avro.Frame;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.avro.FrameEncoding;
import io.openmede.schemas.avro.LabelScore;
import io.openmede.schemas.avro.Recognition;
import io.openmede.schemas.avro.VocabularyEntry;
import io.openmede.schemas.topic.StreamsDeadLetters;
import io.openmede.schemas.values.InputBounds;
import io.openmede.settings.Settings;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topology end to end in a {@link TopologyTestDriver}, with a FAKE scorer (deterministic
 * scores, records its batches) so that windowing, batching, vocabulary and swap behaviour can be
 * asserted exactly. The real model is covered by {@code RecognitionTopologyWithTinyModelTest}.
 */
class RecognitionTopologyWithFakeScorerTest {

  static final RecognizerTopics TOPICS =
      new RecognizerTopics(
          "openmede.frames",
          new PlainAvroSerde<>(FrameBatch.class),
          "openmede.vocabulary",
          new PlainAvroSerde<>(VocabularyEntry.class),
          "openmede.recognitions",
          new PlainAvroSerde<>(Recognition.class),
          "openmede.checkpoints",
          new PlainAvroSerde<>(CheckpointAnnouncement.class),
          "openmede.dead-letters",
          new PlainAvroSerde<>(DeadLetter.class));

  /** A model stand-in that knows whether it was closed. */
  static final class FakeModel implements AutoCloseable {
    volatile boolean closed;

    @Override
    public void close() {
      closed = true;
    }
  }

  /** Scores every label equally, cosine by label order; records each batch. */
  static final class FakeScorer implements ClipScorer {
    final ModelSlot<FakeModel> slot;
    final List<Integer> batchSizes = new ArrayList<>();
    final List<String> batchVersions = new ArrayList<>();

    FakeScorer(ModelSlot<FakeModel> slot) {
      this.slot = slot;
    }

    @Override
    public ScoredBatch score(List<ClipWindow> windows, VocabularySnapshot vocab, int topK) {
      try (ModelSlot.Lease<FakeModel> lease = slot.acquire()) {
        assertThat(lease.model().closed).isFalse();
        batchSizes.add(windows.size());
        batchVersions.add(lease.version());
        List<WindowScore> out = new ArrayList<>();
        List<String> labels = vocab.labels();
        for (int w = 0; w < windows.size(); w++) {
          List<RankedLabel> top = new ArrayList<>();
          for (int i = 0; i < Math.min(topK, labels.size()); i++) {
            top.add(new RankedLabel(labels.get(i), 1.0 / labels.size(), 1.0 - 0.1 * i));
          }
          out.add(WindowScore.of(top));
        }
        return new ScoredBatch(lease.version(), out);
      }
    }
  }

  @TempDir Path stateDir;

  private TopologyTestDriver driver;
  private final ModelSlot<FakeModel> slot = new ModelSlot<>(new FakeModel(), "v1");
  private final FakeScorer scorer = new FakeScorer(slot);
  private final RecognizerMetrics metrics = new RecognizerMetrics();
  private TestInputTopic<String, FrameBatch> frames;
  private TestInputTopic<String, byte[]> rawFrames;
  private TestInputTopic<String, VocabularyEntry> vocabulary;
  private TestInputTopic<byte[], byte[]> rawVocabulary;
  private TestOutputTopic<String, Recognition> recognitions;
  private TestOutputTopic<byte[], DeadLetter> deadLetters;

  /** What the vocabulary store dead-lettered: topic@offset reason. */
  private final List<String> refusals = new java.util.ArrayList<>();

  private final List<byte[]> refusedValues = new java.util.ArrayList<>();

  static TopologySettings settings(WindowConfig window, int maxBatch, Duration delay) {
    return TopologySettings.from(
            Settings.defaults(List.of(RecognizerSettings.GROUP, InputBounds.GROUP)))
        .with(window, maxBatch, delay);
  }

  private void start(TopologySettings settings) {
    start(settings, ScorerPool.of(scorer), ScoringMode.ON_STREAM_THREAD);
  }

  private void start(TopologySettings settings, ScorerPool scorers, ScoringMode mode) {
    start(TOPICS, settings, scorers, mode);
  }

  private void start(
      RecognizerTopics topics, TopologySettings settings, ScorerPool scorers, ScoringMode mode) {
    Properties p = new Properties();
    p.put("application.id", "recognizer-test");
    p.put("bootstrap.servers", "unused:9092");
    p.put("state.dir", stateDir.toString());
    Map<Object, Object> handlers = new HashMap<>();
    StreamsDeadLetters.configure(
        handlers,
        TOPICS.deadLetters(),
        TOPICS.deadLetterSerde().serializer(),
        RecognizerMetrics.SERVICE,
        metrics.deadLetters);
    p.putAll(handlers);
    driver =
        new TopologyTestDriver(
            RecognitionTopology.build(
                topics,
                settings,
                scorers,
                metrics,
                ThreadSettings.from(
                        Settings.defaults(List.of(RecognizerSettings.GROUP, InputBounds.GROUP)))
                    .scoring(mode),
                (topic, partition, offset, key, value, reason, why) -> {
                  refusals.add(topic + "@" + offset + " " + reason);
                  refusedValues.add(value);
                }),
            p,
            Instant.ofEpochMilli(5_000_000));
    frames =
        driver.createInputTopic(
            TOPICS.frames(), new StringSerializer(), TOPICS.frameSerde().serializer());
    rawFrames =
        driver.createInputTopic(TOPICS.frames(), new StringSerializer(), new ByteArraySerializer());
    vocabulary =
        driver.createInputTopic(
            TOPICS.vocabulary(), new StringSerializer(), TOPICS.vocabularySerde().serializer());
    rawVocabulary =
        driver.createInputTopic(
            TOPICS.vocabulary(), new ByteArraySerializer(), new ByteArraySerializer());
    recognitions =
        driver.createOutputTopic(
            TOPICS.recognitions(),
            new StringDeserializer(),
            TOPICS.recognitionSerde().deserializer());
    deadLetters =
        driver.createOutputTopic(
            TOPICS.deadLetters(),
            new ByteArrayDeserializer(),
            TOPICS.deadLetterSerde().deserializer());
  }

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
  }

  private void addLabel(String label) {
    vocabulary.pipeInput(
        label, new VocabularyEntry(label, List.of(), true, Instant.ofEpochMilli(1)));
  }

  private void send(String stream, long batch, long from, long to) {
    frames.pipeInput(stream, Frames.batch(stream, batch, from, to, FrameEncoding.RGB));
  }

  private static List<String> labels(Recognition r) {
    return r.getTop().stream().map(LabelScore::getLabel).toList();
  }

  @Test
  void frames_twoFullWindows_yieldTwoRecognitionsWithRangesAndVersions() {
    start(settings(WindowConfig.ofFrames(4, 4), 16, Duration.ZERO));
    addLabel("waving");
    send("cam-1", 0, 0, 3);
    send("cam-1", 1, 4, 7);
    List<Recognition> out = recognitions.readValuesToList();
    assertThat(out).hasSize(2);
    Recognition first = out.get(0);
    assertThat(first.getStreamId()).isEqualTo("cam-1");
    assertThat(first.getFirstSequence()).isZero();
    assertThat(first.getLastSequence()).isEqualTo(3);
    assertThat(first.getWindowStart().toEpochMilli()).isEqualTo(Frames.captureTime(0));
    assertThat(first.getWindowEnd().toEpochMilli()).isEqualTo(Frames.captureTime(3));
    assertThat(first.getModelVersion()).isEqualTo("v1");
    assertThat(first.getVocabularyVersion()).isEqualTo(1);
    assertThat(labels(first)).containsExactly("waving");
    assertThat(out.get(1).getFirstSequence()).isEqualTo(4);
    assertThat(out.get(1).getLastSequence()).isEqualTo(7);
    assertThat(metrics.recognitions.get()).isEqualTo(2.0);
  }

  @Test
  void frames_hopSmallerThanWindow_overlapAcrossBatches() {
    start(settings(WindowConfig.ofFrames(4, 2), 16, Duration.ZERO));
    addLabel("waving");
    send("cam-1", 0, 0, 4);
    send("cam-1", 1, 5, 7);
    assertThat(recognitions.readValuesToList())
        .extracting(Recognition::getFirstSequence)
        .containsExactly(0L, 2L, 4L);
  }

  @Test
  void frames_duplicateAndReorderedBatches_eachWindowOnce() {
    start(settings(WindowConfig.ofFrames(4, 4).withReorderBound(8), 16, Duration.ZERO));
    addLabel("waving");
    send("cam-1", 0, 0, 1);
    send("cam-1", 2, 4, 5);
    send("cam-1", 1, 2, 3);
    send("cam-1", 1, 2, 3); // duplicate
    send("cam-1", 3, 6, 7);
    send("cam-1", 3, 6, 7); // duplicate
    assertThat(recognitions.readValuesToList())
        .extracting(Recognition::getFirstSequence)
        .containsExactly(0L, 4L);
    assertThat(metrics.duplicateBatches.get()).isEqualTo(2.0);
  }

  @Test
  void frames_gapBeyondBound_restartsAfterTheGap() {
    start(settings(WindowConfig.ofFrames(4, 4).withReorderBound(2), 16, Duration.ZERO));
    addLabel("waving");
    send("cam-1", 0, 0, 1);
    send("cam-1", 1, 6, 9); // 2..5 lost
    assertThat(recognitions.readValuesToList())
        .extracting(Recognition::getFirstSequence)
        .containsExactly(6L);
    assertThat(metrics.windowGaps.get()).isEqualTo(1.0);
  }

  @Test
  void streams_areWindowedIndependently() {
    start(settings(WindowConfig.ofFrames(2, 2), 16, Duration.ZERO));
    addLabel("waving");
    send("cam-a", 0, 0, 0);
    send("cam-b", 0, 0, 1);
    send("cam-a", 1, 1, 1);
    assertThat(recognitions.readKeyValuesToList())
        .extracting(kv -> kv.key + ":" + kv.value.getFirstSequence())
        .containsExactly("cam-b:0", "cam-a:0");
  }

  @Test
  void vocabulary_addAndRemoveBetweenWindows_laterWindowsUseTheChange() {
    start(settings(WindowConfig.ofFrames(2, 2), 16, Duration.ZERO));
    addLabel("waving");
    send("cam-1", 0, 0, 1);
    addLabel("jumping");
    send("cam-1", 1, 2, 3);
    vocabulary.pipeInput("waving", (VocabularyEntry) null);
    send("cam-1", 2, 4, 5);
    List<Recognition> out = recognitions.readValuesToList();
    assertThat(out).hasSize(3);
    assertThat(labels(out.get(0))).containsExactly("waving");
    assertThat(out.get(0).getVocabularyVersion()).isEqualTo(1);
    assertThat(labels(out.get(1))).containsExactly("jumping", "waving");
    assertThat(out.get(1).getVocabularyVersion()).isEqualTo(2);
    assertThat(labels(out.get(2))).containsExactly("jumping");
    assertThat(out.get(2).getVocabularyVersion()).isEqualTo(3);
  }

  @Test
  void vocabulary_hostileRecords_areRefusedOneByOne_andTheLabelKeepsItsPreviousEntry() {
    start(settings(WindowConfig.ofFrames(2, 2), 16, Duration.ZERO));
    vocabulary.pipeInput(
        "waving",
        new VocabularyEntry("waving", List.of("a video of {}."), true, Instant.ofEpochMilli(1)));
    byte[] goodJumping =
        TOPICS
            .vocabularySerde()
            .serializer()
            .serialize(
                TOPICS.vocabulary(),
                new VocabularyEntry("jumping", List.of(), true, Instant.ofEpochMilli(1)));
    // not Avro at all
    rawVocabulary.pipeInput("jumping".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3});
    // a key that is not UTF-8
    rawVocabulary.pipeInput(new byte[] {(byte) 0xff, (byte) 0xfe}, goodJumping);
    // well-formed, but its prompt has no {} (once, this stopped scoring for every stream)
    vocabulary.pipeInput(
        "waving",
        new VocabularyEntry("waving", List.of("no placeholder"), true, Instant.ofEpochMilli(2)));
    // the entry's label is not its key
    vocabulary.pipeInput(
        "running", new VocabularyEntry("jumping", List.of(), true, Instant.ofEpochMilli(2)));
    // a key with control characters
    vocabulary.pipeInput(
        "bad\u0000label",
        new VocabularyEntry("bad\u0000label", List.of(), true, Instant.ofEpochMilli(2)));
    send("cam-1", 0, 0, 1);
    Recognition r = recognitions.readValue();
    assertThat(labels(r)).containsExactly("waving");
    assertThat(r.getVocabularyVersion()).as("refused records change nothing").isEqualTo(1);
    assertThat(metrics.vocabularyRefused.labelValues("value").get()).isEqualTo(1.0);
    assertThat(metrics.vocabularyRefused.labelValues("key").get()).isEqualTo(1.0);
    assertThat(metrics.vocabularyRefused.labelValues("entry").get()).isEqualTo(3.0);
    assertThat(refusals)
        .containsExactly(
            TOPICS.vocabulary() + "@1 value",
            TOPICS.vocabulary() + "@2 key",
            TOPICS.vocabulary() + "@3 entry",
            TOPICS.vocabulary() + "@4 entry",
            TOPICS.vocabulary() + "@5 entry");
    assertThat(refusedValues.get(0)).containsExactly(1, 2, 3); // the original bytes go along

    // and a good record after them is used from the next window on
    rawVocabulary.pipeInput("jumping".getBytes(StandardCharsets.UTF_8), goodJumping);
    send("cam-1", 1, 2, 3);
    Recognition later = recognitions.readValue();
    assertThat(labels(later)).containsExactly("jumping", "waving");
    assertThat(later.getVocabularyVersion()).isEqualTo(2);
  }

  @Test
  void vocabulary_disabledEntry_isNotScored() {
    start(settings(WindowConfig.ofFrames(2, 2), 16, Duration.ZERO));
    addLabel("waving");
    vocabulary.pipeInput(
        "jumping", new VocabularyEntry("jumping", List.of(), false, Instant.ofEpochMilli(1)));
    send("cam-1", 0, 0, 1);
    assertThat(labels(recognitions.readValue())).containsExactly("waving");
  }

  @Test
  void vocabulary_empty_yieldsNoRecognitionAndNoDeadLetter() {
    start(settings(WindowConfig.ofFrames(2, 2), 16, Duration.ZERO));
    send("cam-1", 0, 0, 3);
    assertThat(recognitions.isEmpty()).isTrue();
    assertThat(deadLetters.isEmpty()).isTrue();
    assertThat(metrics.unscoredWindows.get()).isEqualTo(2.0);
    assertThat(scorer.batchSizes).isEmpty();
  }

  @Test
  void swap_betweenBatches_laterWindowsNameTheNewVersionAndOldModelIsClosed() {
    start(settings(WindowConfig.ofFrames(2, 2), 16, Duration.ZERO));
    addLabel("waving");
    FakeModel first = slot.peek();
    send("cam-1", 0, 0, 1);
    slot.swap(new FakeModel(), "v2");
    assertThat(first.closed).isTrue(); // no batch held it
    send("cam-1", 1, 2, 3);
    assertThat(recognitions.readValuesToList())
        .extracting(Recognition::getModelVersion)
        .containsExactly("v1", "v2");
  }

  @Test
  void batching_fullBatchScoresAtOnce_restWaitsForTheDelay() {
    start(settings(WindowConfig.ofFrames(2, 2), 3, Duration.ofMinutes(1)));
    addLabel("waving");
    send("cam-a", 0, 0, 3); // 2 windows
    send("cam-b", 0, 0, 1); // 1 window: batch of 3 is full
    assertThat(scorer.batchSizes).containsExactly(3);
    send("cam-c", 0, 0, 1); // waits
    assertThat(scorer.batchSizes).containsExactly(3);
    assertThat(metrics.queueDepth.get()).isEqualTo(1.0);
    driver.advanceWallClockTime(Duration.ofMinutes(2));
    assertThat(scorer.batchSizes).containsExactly(3, 1);
    assertThat(recognitions.readKeyValuesToList())
        .extracting(kv -> kv.key + ":" + kv.value.getFirstSequence())
        .containsExactly("cam-a:0", "cam-a:2", "cam-b:0", "cam-c:0");
    assertThat(metrics.queueDepth.get()).isZero();
  }

  @Test
  void pipelined_batchInFlight_staysBufferedUntilItsRecognitionsAreForwardedOnce()
      throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch returned = new CountDownLatch(1);
    ClipScorer gated =
        gatedScorer(
            release,
            windows -> {
              if (windows.size() == 2) {
                returned.countDown();
              }
            });
    start(
        settings(WindowConfig.ofFrames(2, 2), 2, Duration.ofMinutes(1)),
        ScorerPool.of(gated),
        ScoringMode.PIPELINED);
    addLabel("waving");
    KeyValueStore<String, ClipWindow> buffer =
        driver.getKeyValueStore(RecognitionTopology.BUFFER_STORE);
    send("cam-a", 0, 0, 3); // 2 windows: a full batch, scored on the scoring thread
    send("cam-b", 0, 0, 1); // buffered while that batch is in flight
    assertThat(recognitions.isEmpty()).isTrue();
    assertThat(size(buffer)).isEqualTo(3); // the batch in flight is still in the buffer
    assertThat(metrics.queueDepth.get()).isEqualTo(3.0);

    release.countDown();
    assertThat(returned.await(10, TimeUnit.SECONDS)).isTrue();
    Thread.sleep(100); // the scoring thread marks the batch done
    driver.advanceWallClockTime(Duration.ofSeconds(30)); // punctuation: forwards the batch
    assertThat(recognitions.readKeyValuesToList())
        .extracting(kv -> kv.key + ":" + kv.value.getFirstSequence())
        .containsExactly("cam-a:0", "cam-a:2");
    assertThat(size(buffer)).isEqualTo(1);

    // cam-b waited the delay and the scorer is idle: its partial batch goes to the scoring thread,
    // and is forwarded at the task's next punctuation after it is done
    driver.advanceWallClockTime(Duration.ofSeconds(60));
    Thread.sleep(100);
    driver.advanceWallClockTime(Duration.ofSeconds(30));
    assertThat(recognitions.readKeyValuesToList())
        .extracting(kv -> kv.key + ":" + kv.value.getFirstSequence())
        .containsExactly("cam-b:0");
    assertThat(scorer.batchSizes).containsExactly(2, 1);
    assertThat(size(buffer)).isZero();
    assertThat(metrics.queueDepth.get()).isZero();
  }

  @Test
  void pipelined_zeroDelay_aWindowGoesToTheIdleScorerAtItsRecord_andLaterOnesGatherMeanwhile()
      throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch scored = new CountDownLatch(2);
    ClipScorer gated = gatedScorer(release, windows -> scored.countDown());
    start(
        settings(WindowConfig.ofFrames(2, 2), 8, Duration.ZERO),
        ScorerPool.of(gated),
        ScoringMode.PIPELINED);
    addLabel("waving");
    send("cam-a", 0, 0, 1); // one window, the scorer idle: submitted at once, no time advanced
    send("cam-b", 0, 0, 1); // the scorer holds cam-a's batch: cam-b waits for it
    send("cam-c", 0, 0, 1);
    release.countDown();
    Thread.sleep(100); // cam-a's batch is done
    driver.advanceWallClockTime(
        Duration.ofMillis(1)); // forwards it; the idle scorer takes the rest
    assertThat(scored.await(10, TimeUnit.SECONDS)).isTrue();
    Thread.sleep(100);
    driver.advanceWallClockTime(Duration.ofMillis(1));
    synchronized (scorer) {
      assertThat(scorer.batchSizes).containsExactly(1, 2);
    }
    assertThat(recognitions.readKeyValuesToList())
        .extracting(kv -> kv.key + ":" + kv.value.getFirstSequence())
        .containsExactly("cam-a:0", "cam-b:0", "cam-c:0");
    assertThat(metrics.queueDepth.get()).isZero();
  }

  @Test
  void pipelined_depthBatchesMayBeInFlight_theNextWaitsForTheOldest() throws Exception {
    int depth = io.openmede.recognizer.score.ScoreWindowsProcessor.PIPELINE_DEPTH;
    assertThat(depth).isGreaterThan(1);
    CountDownLatch release = new CountDownLatch(1);
    ClipScorer gated = gatedScorer(release, windows -> {});
    start(
        settings(WindowConfig.ofFrames(2, 2), 2, Duration.ofMinutes(1)),
        ScorerPool.of(gated),
        ScoringMode.PIPELINED);
    addLabel("waving");
    // batch 1 is held by the gate; batches 2..depth go in flight without waiting for it
    Thread fill =
        new Thread(
            () -> {
              for (int b = 0; b < depth; b++) {
                send("cam-" + b, 0, 0, 3); // one full batch of 2 windows per stream
              }
            });
    fill.start();
    fill.join(10_000);
    boolean filled = !fill.isAlive();
    if (!filled) {
      release.countDown(); // let the test end
      fill.join(10_000);
    }
    assertThat(filled).as(depth + " batches go in flight without waiting").isTrue();
    assertThat(recognitions.isEmpty()).isTrue();
    assertThat(metrics.queueDepth.get()).isEqualTo(2.0 * depth);

    // one more full batch has to wait for batch 1: the stream thread blocks until the gate opens
    Thread next = new Thread(() -> send("cam-" + depth, 0, 0, 3));
    next.start();
    next.join(300);
    assertThat(next.isAlive()).as("the next full batch waits (backpressure)").isTrue();
    release.countDown();
    next.join(10_000);
    assertThat(next.isAlive()).isFalse();

    Thread.sleep(200); // the scoring thread finishes the other batches
    driver.advanceWallClockTime(Duration.ofSeconds(30)); // punctuation forwards what is done
    List<String> expected = new ArrayList<>();
    for (int b = 0; b <= depth; b++) {
      expected.add("cam-" + b + ":0");
      expected.add("cam-" + b + ":2");
    }
    assertThat(recognitions.readKeyValuesToList())
        .extracting(kv -> kv.key + ":" + kv.value.getFirstSequence())
        .containsExactlyElementsOf(expected);
    assertThat(scorer.batchSizes).hasSize(depth + 1).containsOnly(2);
    assertThat(metrics.queueDepth.get()).isZero();
  }

  /**
   * The fake scorer behind a gate: each batch waits for {@code release}, is scored, then handed to
   * {@code afterScoring}.
   */
  private ClipScorer gatedScorer(
      CountDownLatch release, java.util.function.Consumer<List<ClipWindow>> afterScoring) {
    return (windows, vocab, topK) -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ScoredBatch b;
      synchronized (scorer) {
        b = scorer.score(windows, vocab, topK);
      }
      afterScoring.accept(windows);
      return b;
    };
  }

  /**
   * A scorer that throws on the batches whose number is in {@code failing} (0 = the first batch),
   * and scores like {@link #scorer} otherwise.
   */
  private ClipScorer failingScorer(java.util.Set<Integer> failing) {
    java.util.concurrent.atomic.AtomicInteger batches =
        new java.util.concurrent.atomic.AtomicInteger();
    return (windows, vocab, topK) -> {
      if (failing.contains(batches.getAndIncrement())) {
        throw new IllegalStateException("the model failed on this batch (test)");
      }
      synchronized (scorer) {
        return scorer.score(windows, vocab, topK);
      }
    };
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(ScoringMode.class)
  void scoringThrowsOnce_theBatchsWindowsAreScoredAgain_noWindowLostOrDoubled(ScoringMode mode)
      throws InterruptedException {
    start(
        settings(WindowConfig.ofFrames(2, 2), 2, Duration.ofSeconds(1)),
        ScorerPool.of(failingScorer(java.util.Set.of(0))),
        mode);
    addLabel("waving");
    send("cam-a", 0, 0, 3); // 2 windows: a full batch, whose scoring throws
    for (int i = 0; i < 6; i++) {
      Thread.sleep(50); // a scoring thread finishes
      driver.advanceWallClockTime(Duration.ofSeconds(2));
    }
    send("cam-a", 1, 4, 7); // 2 more windows
    for (int i = 0; i < 6; i++) {
      Thread.sleep(50);
      driver.advanceWallClockTime(Duration.ofSeconds(2));
    }
    assertThat(recognitions.readKeyValuesToList())
        .extracting(kv -> kv.key + ":" + kv.value.getFirstSequence())
        .containsExactlyInAnyOrder("cam-a:0", "cam-a:2", "cam-a:4", "cam-a:6");
    assertThat(metrics.queueDepth.get()).isZero();
    assertThat(size(driver.<String, ClipWindow>getKeyValueStore(RecognitionTopology.BUFFER_STORE)))
        .isZero();
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(ScoringMode.class)
  void scoringAlwaysThrowsForABatch_itsWindowsAreDeadLetteredAfterTheAttempts_laterOnesGoOn(
      ScoringMode mode) throws InterruptedException {
    int attempts = io.openmede.recognizer.score.ScoreWindowsProcessor.SCORING_ATTEMPTS;
    java.util.Set<Integer> failing = new java.util.HashSet<>();
    for (int i = 0; i < attempts; i++) {
      failing.add(i);
    }
    start(
        settings(WindowConfig.ofFrames(2, 2), 2, Duration.ofSeconds(1)),
        ScorerPool.of(failingScorer(failing)),
        mode);
    addLabel("waving");
    send("cam-a", 0, 0, 3); // a full batch whose scoring throws every time
    for (int i = 0; i < 4 * attempts; i++) {
      Thread.sleep(50);
      driver.advanceWallClockTime(Duration.ofSeconds(2));
    }
    send("cam-a", 1, 4, 7);
    for (int i = 0; i < 6; i++) {
      Thread.sleep(50);
      driver.advanceWallClockTime(Duration.ofSeconds(2));
    }
    assertThat(recognitions.readKeyValuesToList())
        .extracting(kv -> kv.key + ":" + kv.value.getFirstSequence())
        .containsExactly("cam-a:4", "cam-a:6");
    assertThat(metrics.deadLetters.labelValues("unscorable-window").get()).isEqualTo(2.0);
    assertThat(deadLetters.readValuesToList())
        .extracting(DeadLetter::getError)
        .filteredOn(e -> e.contains("scoring failed"))
        .hasSize(2)
        .allMatch(e -> e.contains("the model failed on this batch (test)"));
    assertThat(metrics.queueDepth.get()).isZero();
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(ScoringMode.class)
  void forwardingThrowsPartWay_theWindowsLeftBufferedAreScoredAgain_noneLostOrDoubled(
      ScoringMode mode) throws InterruptedException {
    java.util.concurrent.atomic.AtomicInteger batches =
        new java.util.concurrent.atomic.AtomicInteger();
    ClipScorer shortFirst =
        (windows, vocab, topK) -> {
          ScoredBatch b;
          synchronized (scorer) {
            b = scorer.score(windows, vocab, topK);
          }
          if (batches.getAndIncrement() == 0) {
            // a buggy scorer: one score for two windows; forwarding throws at the second window
            return new ScoredBatch(b.modelVersion(), b.scores().subList(0, 1));
          }
          return b;
        };
    start(
        settings(WindowConfig.ofFrames(2, 2), 2, Duration.ofSeconds(1)),
        ScorerPool.of(shortFirst),
        mode);
    addLabel("waving");
    send("cam-a", 0, 0, 3);
    for (int i = 0; i < 8; i++) {
      Thread.sleep(50);
      driver.advanceWallClockTime(Duration.ofSeconds(2));
    }
    send("cam-a", 1, 4, 7);
    for (int i = 0; i < 8; i++) {
      Thread.sleep(50);
      driver.advanceWallClockTime(Duration.ofSeconds(2));
    }
    assertThat(recognitions.readKeyValuesToList())
        .extracting(kv -> kv.key + ":" + kv.value.getFirstSequence())
        .containsExactlyInAnyOrder("cam-a:0", "cam-a:2", "cam-a:4", "cam-a:6");
    assertThat(metrics.queueDepth.get()).isZero();
  }

  private static int size(KeyValueStore<String, ClipWindow> store) {
    int n = 0;
    try (KeyValueIterator<String, ClipWindow> it = store.all()) {
      while (it.hasNext()) {
        it.next();
        n++;
      }
    }
    return n;
  }

  @Test
  void batching_latencyCountsFromTheLastBatchArrival() {
    start(settings(WindowConfig.ofFrames(2, 2), 8, Duration.ofSeconds(10)));
    addLabel("waving");
    send("cam-a", 0, 0, 1);
    driver.advanceWallClockTime(Duration.ofSeconds(12));
    Recognition r = recognitions.readValue();
    assertThat(r.getProcessingLatencyMs()).isEqualTo(12_000.0);
  }

  private static TopologySettings settingsWith(Map<String, String> values, WindowConfig window) {
    return TopologySettings.from(
            Settings.of(List.of(RecognizerSettings.GROUP, InputBounds.GROUP), values))
        .with(window, 16, Duration.ZERO);
  }

  @Test
  void streams_beyondTheTasksLimit_areRefusedWithTheSetting_andKnownStreamsGoOn() {
    start(
        settingsWith(Map.of("recognizer.streams.max-per-task", "2"), WindowConfig.ofFrames(2, 2)));
    addLabel("waving");
    send("cam-1", 0, 0, 1);
    send("cam-2", 0, 0, 1);
    send("cam-3", 0, 0, 1);
    send("cam-1", 1, 2, 3);
    DeadLetter letter = deadLetters.readValue();
    assertThat(letter.getError()).contains("'cam-3'").contains("recognizer.streams.max-per-task=2");
    assertThat(deadLetters.isEmpty()).isTrue();
    assertThat(recognitions.readValuesToList())
        .extracting(r -> r.getStreamId() + ":" + r.getFirstSequence())
        .containsExactly("cam-1:0", "cam-2:0", "cam-1:2");
    assertThat(metrics.deadLetters.labelValues("too-many-streams").get()).isEqualTo(1.0);
  }

  private static FrameBatch withFrame(FrameBatch b, long sequence, long captureMs) {
    Frame f = b.getFrames().get(0);
    return FrameBatch.newBuilder(b)
        .setFrames(List.of(new Frame(sequence, Instant.ofEpochMilli(captureMs), f.getData())))
        .build();
  }

  @Test
  void frames_sequenceNearTheTopOfTheRange_refused_andTheSameStreamGoesOn() {
    start(settings(WindowConfig.ofFrames(2, 2), 16, Duration.ZERO));
    addLabel("waving");
    send("cam-1", 0, 0, 1);
    FrameBatch poison =
        withFrame(
            Frames.batch("cam-1", 1, 2, 2, FrameEncoding.RGB),
            Long.MAX_VALUE - 8,
            Frames.captureTime(2));
    frames.pipeInput("cam-1", poison);
    send("cam-1", 2, 2, 3);
    send("cam-1", 3, 4, 5);
    assertThat(recognitions.readValuesToList())
        .extracting(Recognition::getFirstSequence)
        .containsExactly(0L, 2L, 4L);
    DeadLetter letter = deadLetters.readValue();
    assertThat(letter.getError())
        .contains("stream 'cam-1'")
        .contains("ahead of the stream's position 1")
        .contains("streams.max-sequence-jump=100000");
    assertThat(metrics.deadLetters.labelValues("out-of-bounds").get()).isEqualTo(1.0);
    assertThat(metrics.lateFrames.get()).isZero();
  }

  @Test
  void frames_captureTimeInYear9999_refused_andTheSameStreamGoesOn() {
    start(settings(new WindowConfig(2, WindowSpacing.TIME, 80, 40, 4), 16, Duration.ZERO));
    addLabel("waving");
    send("cam-1", 0, 0, 1);
    frames.pipeInput(
        "cam-1",
        withFrame(Frames.batch("cam-1", 1, 2, 2, FrameEncoding.RGB), 2, 253_370_764_800_000L));
    send("cam-1", 2, 2, 3);
    send("cam-1", 3, 4, 5);
    assertThat(recognitions.readValuesToList()).hasSizeGreaterThanOrEqualTo(2);
    assertThat(deadLetters.readValue().getError()).contains("streams.max-time-jump");
  }

  @Test
  void frames_numberingRestartedAtZero_refusedUntilTheStreamWasQuietForResyncAfter_thenTakenUp() {
    start(settings(WindowConfig.ofFrames(2, 2), 16, Duration.ZERO));
    addLabel("waving");
    send("cam-1", 0, 200_000, 200_001);
    send("cam-1", 1, 0, 1); // far behind: the camera restarted its numbering
    assertThat(deadLetters.readValue().getError()).contains("behind the stream's position");
    driver.advanceWallClockTime(Duration.ofSeconds(61));
    send("cam-1", 2, 2, 3); // nothing accepted for 61 s: starts afresh
    send("cam-1", 3, 4, 5);
    assertThat(recognitions.readValuesToList())
        .extracting(Recognition::getFirstSequence)
        .containsExactly(200_000L, 2L, 4L);
    assertThat(metrics.streamResyncs.get()).isEqualTo(1.0);
  }

  @Test
  void frames_sizeOverTheLimits_refusedBeforeDecoding_andTheSameStreamGoesOn() {
    start(
        settingsWith(
            Map.of("frames.max-side", "64", "frames.max-pixels", "4096"),
            WindowConfig.ofFrames(2, 2)));
    addLabel("waving");
    send("cam-1", 0, 0, 1);
    byte[] tall = new byte[3 * 1 * 65];
    FrameBatch tallThin =
        FrameBatch.newBuilder(Frames.batch("cam-1", 1, 2, 2, FrameEncoding.RGB))
            .setWidth(1)
            .setHeight(65)
            .setFrames(
                List.of(
                    new Frame(
                        2L, Instant.ofEpochMilli(Frames.captureTime(2)), ByteBuffer.wrap(tall))))
            .build();
    frames.pipeInput("cam-1", tallThin);
    send("cam-1", 2, 2, 3);
    assertThat(recognitions.readValuesToList())
        .extracting(Recognition::getFirstSequence)
        .containsExactly(0L, 2L);
    assertThat(deadLetters.readValue().getError())
        .isEqualTo("frame size 1x65 has a side over 64 pixels (frames.max-side)");
  }

  @Test
  void stateStore_rocksdb_windowsLikeTheDefaultInMemory() {
    start(settingsWith(Map.of("recognizer.state.store", "rocksdb"), WindowConfig.ofFrames(4, 2)));
    addLabel("waving");
    send("cam-1", 0, 0, 3);
    send("cam-1", 1, 4, 7);
    assertThat(recognitions.readValuesToList())
        .extracting(Recognition::getFirstSequence)
        .containsExactly(0L, 2L, 4L);
  }

  @Test
  void deadLetters_undecodableJpeg_isRefusedWithReasonAndTheStreamGoesOn() {
    start(settings(WindowConfig.ofFrames(2, 2), 16, Duration.ZERO));
    addLabel("waving");
    FrameBatch bad = Frames.batch("cam-1", 0, 0, 1, FrameEncoding.JPEG);
    bad.getFrames().get(1).setData(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5}));
    frames.pipeInput("cam-1", bad);
    frames.pipeInput("cam-1", Frames.batch("cam-1", 1, 2, 3, FrameEncoding.JPEG));
    DeadLetter letter = deadLetters.readValue();
    assertThat(letter.getError()).contains("frame 1").contains("not a JPEG");
    assertThat(letter.getSourceTopic()).isEqualTo(TOPICS.frames());
    assertThat(letter.getOffset()).isZero();
    assertThat(letter.getService()).isEqualTo("recognizer");
    assertThat(letter.getOriginalValue()).isNotNull();
    assertThat(recognitions.readValuesToList())
        .extracting(Recognition::getFirstSequence)
        .containsExactly(2L);
  }

  @Test
  void deadLetters_wrongFrameSize_isRefused() {
    start(settings(WindowConfig.ofFrames(2, 2), 16, Duration.ZERO));
    FrameBatch bad = Frames.batch("cam-1", 0, 0, 1, FrameEncoding.RGB);
    bad.setWidth(16);
    frames.pipeInput("cam-1", bad);
    assertThat(deadLetters.readValue().getError())
        .isEqualTo("frame 0 has 3072 RGB bytes; a 16x32 frame needs 1536");
  }

  @Test
  void deadLetters_jpegOfAnotherSize_isRefused() {
    start(settings(WindowConfig.ofFrames(2, 2), 16, Duration.ZERO));
    FrameBatch bad = Frames.batch("cam-1", 0, 0, 1, FrameEncoding.JPEG);
    bad.setHeight(64);
    frames.pipeInput("cam-1", bad);
    assertThat(deadLetters.readValue().getError())
        .isEqualTo("frame 0: JPEG is 32x32 but the record says 32x64");
  }

  @Test
  void deadLetters_emptyBatch_isRefused() {
    start(settings(WindowConfig.ofFrames(2, 2), 16, Duration.ZERO));
    FrameBatch empty = Frames.batch("cam-1", 0, 0, 1, FrameEncoding.RGB);
    empty.setFrames(new ArrayList<Frame>());
    frames.pipeInput("cam-1", empty);
    assertThat(deadLetters.readValue().getError()).isEqualTo("empty frame batch 0: no frames");
  }

  @Test
  void deadLetters_undeserializableRecord_goesThroughTheHandlerAndTheStreamGoesOn() {
    start(settings(WindowConfig.ofFrames(2, 2), 16, Duration.ZERO));
    addLabel("waving");
    byte[] garbage = {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef};
    rawFrames.pipeInput("cam-1", garbage);
    send("cam-1", 0, 0, 1);
    DeadLetter letter = deadLetters.readValue();
    assertThat(letter.getError()).startsWith("deserialization: ");
    assertThat(letter.getOriginalValue()).isEqualTo(ByteBuffer.wrap(garbage));
    assertThat(letter.getOriginalKey()).isEqualTo(ByteBuffer.wrap("cam-1".getBytes()));
    assertThat(recognitions.readValuesToList()).hasSize(1);
  }

  @Test
  void frames_streamIdOverTheLimit_refusedWithTheReason_andTheSameKeyAndOthersGoOn() {
    start(settings(WindowConfig.ofFrames(2, 2), 16, Duration.ZERO));
    addLabel("waving");
    String huge = "x".repeat(1_100_000);
    frames.pipeInput("cam-1", Frames.batch(huge, 0, 0, 1, FrameEncoding.RGB));
    send("cam-1", 0, 0, 1);
    send("cam-2", 0, 0, 1);
    assertThat(recognitions.readValuesToList())
        .extracting(Recognition::getStreamId)
        .containsExactly("cam-1", "cam-2");
    DeadLetter letter = deadLetters.readValue();
    assertThat(letter.getError())
        .contains("a stream id of 1100000 characters")
        .contains("must be 1 to 200 characters");
    assertThat(letter.getError().length()).isLessThan(1000);
    assertThat(letter.getOriginalKey()).isEqualTo(ByteBuffer.wrap("cam-1".getBytes()));
    assertThat(metrics.deadLetters.labelValues("bad-stream-id").get()).isEqualTo(1.0);
  }

  @Test
  void recognitions_largerThanTheirTopicTakes_deadLetteredByTheProductionHandler_othersGoOn() {
    // a recognitions topic of 1024 bytes takes 512 bytes of key and value: three labels of 100
    // characters and a stream id of 150 (key and value) do not fit, the same with "c" does
    start(
        TOPICS.withRecognitionsMaxMessageBytes(1024),
        settings(WindowConfig.ofFrames(2, 2), 16, Duration.ZERO),
        ScorerPool.of(scorer),
        ScoringMode.ON_STREAM_THREAD);
    for (String l : List.of("a", "b", "c")) {
      addLabel(l.repeat(100));
    }
    String longId = "s".repeat(150);
    send(longId, 0, 0, 1);
    send("c", 0, 0, 1);
    send(longId, 1, 2, 3);
    send("c", 1, 2, 3);
    assertThat(recognitions.readValuesToList())
        .extracting(r -> r.getStreamId() + ":" + r.getFirstSequence())
        .containsExactly("c:0", "c:2");
    List<DeadLetter> letters = deadLetters.readValuesToList();
    assertThat(letters).hasSize(2);
    assertThat(letters.get(0).getError())
        .startsWith("too-large: the output to openmede.recognitions was refused: a record of")
        .contains("is larger than topic openmede.recognitions takes (512 bytes");
    assertThat(letters.get(0).getSourceTopic()).isEqualTo("openmede.frames");
    assertThat(letters.get(0).getOriginalKey()).isEqualTo(ByteBuffer.wrap(longId.getBytes()));
    assertThat(metrics.deadLetters.labelValues("too-large").get()).isEqualTo(2.0);
  }
}
