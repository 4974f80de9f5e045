package io.openmede.recognizer;

import io.openmede.recognizer.metrics.RecognizerMetrics;
import io.openmede.recognizer.score.ScoreWindowsProcessor;
import io.openmede.recognizer.score.ScorerPool;
import io.openmede.recognizer.score.ScoringMode;
import io.openmede.recognizer.score.ScoringThreads;
import io.openmede.recognizer.vocabulary.VocabularyBook;
import io.openmede.recognizer.vocabulary.VocabularyRecords;
import io.openmede.recognizer.window.FrameWindowProcessor;
import io.openmede.recognizer.window.WindowCodec;
import io.openmede.schemas.avro.DeadLetter;
import io.openmede.schemas.avro.Recognition;
import io.openmede.schemas.avro.VocabularyEntry;
import io.openmede.schemas.topic.RefusedRecords;
import io.openmede.schemas.topic.SizeLimitedSerializers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The recognizer's topology, built by a pure function of topics, settings and scorers.
 *
 * <pre>
 * frames-source ─▶ window-frames [window-state] ─▶ score-windows [scoring-buffer, vocabulary] ─▶ recognitions-sink
 *                        └──────────────┬──────────────────┘
 *                                       ▼
 *                               dead-letters-sink
 * vocabulary-source ─▶ vocabulary-apply [vocabulary: global]
 * </pre>
 *
 * Processor and store names are stable (changelog topics are named after the stores).
 */
public final class RecognitionTopology {

  public static final String FRAMES_SOURCE = "frames-source";
  public static final String WINDOW_PROCESSOR = "window-frames";
  public static final String WINDOW_STORE = "window-state";
  public static final String SCORE_PROCESSOR = "score-windows";
  public static final String BUFFER_STORE = "scoring-buffer";
  public static final String RECOGNITIONS_SINK = "recognitions-sink";
  public static final String DEAD_LETTER_SINK = "dead-letters-sink";
  public static final String VOCABULARY_SOURCE = "vocabulary-source";
  public static final String VOCABULARY_PROCESSOR = "vocabulary-apply";
  public static final String VOCABULARY_STORE = "vocabulary";

  private RecognitionTopology() {}

  /** The topology with fresh metrics (tests). */
  public static Topology build(
      RecognizerTopics topics, TopologySettings settings, ScorerPool scorers) {
    return build(topics, settings, scorers, new RecognizerMetrics());
  }

  /**
   * The recognizer's topology with micro-batches scored on the stream threads and the vocabulary
   * store's refused records only counted (tests).
   *
   * @param scorers gives each stream thread its scorer
   * @param metrics where the processors count
   */
  public static Topology build(
      RecognizerTopics topics,
      TopologySettings settings,
      ScorerPool scorers,
      RecognizerMetrics metrics) {
    return build(
        topics,
        settings,
        scorers,
        metrics,
        new ScoringThreads(ScoringMode.ON_STREAM_THREAD, 0, false, false),
        RefusedRecords.NONE);
  }

  /**
   * The recognizer's topology.
   *
   * @param scorers gives each stream thread its scorer
   * @param metrics where the processors count
   * @param threads where micro-batches are scored (the service pipelines them on scoring threads,
   *     {@link ThreadSettings#scoring})
   * @param letters where the vocabulary store's refused records are dead-lettered (the global
   *     thread cannot forward to the topology's dead-letter sink)
   */
  public static Topology build(
      RecognizerTopics topics,
      TopologySettings settings,
      ScorerPool scorers,
      RecognizerMetrics metrics,
      ScoringThreads threads,
      RefusedRecords letters) {
    VocabularyBook book = new VocabularyBook();
    Topology t = new Topology();
    t.addSource(
        FRAMES_SOURCE,
        new StringDeserializer(),
        topics.frameSerde().deserializer(),
        topics.frames());
    t.addProcessor(
        WINDOW_PROCESSOR,
        () ->
            new FrameWindowProcessor(
                WINDOW_STORE,
                settings.window(),
                SCORE_PROCESSOR,
                DEAD_LETTER_SINK,
                topics.frameSerde().serializer(),
                metrics,
                settings.maxStreamsPerTask(),
                settings.inputBounds()),
        FRAMES_SOURCE);
    t.addStateStore(
        Stores.keyValueStoreBuilder(
                settings.stateStore().supplier(WINDOW_STORE),
                Serdes.String(),
                WindowCodec.stateSerde())
            .withCachingEnabled(),
        WINDOW_PROCESSOR);
    ScoreWindowsProcessor.Wiring scoring =
        new ScoreWindowsProcessor.Wiring(
            BUFFER_STORE, VOCABULARY_STORE, RECOGNITIONS_SINK, DEAD_LETTER_SINK, topics.frames());
    ScoreWindowsProcessor.Batching batching =
        new ScoreWindowsProcessor.Batching(
            settings.maxBatchSize(), settings.maxBatchDelay(), settings.topK());
    t.addProcessor(
        SCORE_PROCESSOR,
        () -> new ScoreWindowsProcessor(scoring, batching, book, scorers, threads, metrics),
        WINDOW_PROCESSOR);
    t.addStateStore(
        Stores.keyValueStoreBuilder(
                settings.stateStore().supplier(BUFFER_STORE),
                Serdes.String(),
                WindowCodec.windowSerde())
            .withCachingEnabled(),
        SCORE_PROCESSOR);
    SizeLimitedSerializers<String, Recognition> recognitions =
        SizeLimitedSerializers.of(
            topics.recognitions(),
            topics.recognitionsMaxMessageBytes(),
            new StringSerializer(),
            topics.recognitionSerde().serializer());
    t.addSink(
        RECOGNITIONS_SINK,
        topics.recognitions(),
        recognitions.keys(),
        recognitions.values(),
        SCORE_PROCESSOR);
    SizeLimitedSerializers<byte[], DeadLetter> deadLetters =
        SizeLimitedSerializers.of(
            topics.deadLetters(),
            topics.deadLettersMaxMessageBytes(),
            new ByteArraySerializer(),
            topics.deadLetterSerde().serializer());
    t.addSink(
        DEAD_LETTER_SINK,
        topics.deadLetters(),
        deadLetters.keys(),
        deadLetters.values(),
        WINDOW_PROCESSOR,
        SCORE_PROCESSOR);
    t.addGlobalStore(
        Stores.<String, VocabularyEntry>keyValueStoreBuilder(
                Stores.persistentKeyValueStore(VOCABULARY_STORE),
                Serdes.String(),
                topics.vocabularySerde())
            .withLoggingDisabled(),
        VOCABULARY_SOURCE,
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer(),
        topics.vocabulary(),
        VOCABULARY_PROCESSOR,
        () ->
            VocabularyRecords.updater(
                VOCABULARY_STORE,
                book,
                topics.vocabularySerde().deserializer(),
                metrics.vocabularyRefused,
                topics.vocabulary(),
                letters));
    return t;
  }
}
