package io.openmede.recognizer.score;

import io.openmede.recognizer.DeadLetters;
import io.openmede.recognizer.RecognizerMetrics;
import io.openmede.recognizer.vocabulary.VocabularyBook;
import io.openmede.recognizer.vocabulary.VocabularySnapshot;
import io.openmede.recognizer.window.ClipWindow;
import io.openmede.schemas.avro.DeadLetter;
import io.openmede.schemas.avro.LabelScore;
import io.openmede.schemas.avro.Recognition;
import io.openmede.schemas.avro.VocabularyEntry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Micro-batches ready windows and scores them, without weakening exactly-once.
 *
 * <p>Design: a ready window is put into a persistent, changelogged buffer store of this task. The
 * buffer is flushed (scored, its recognitions forwarded, its entries deleted) when it holds {@code
 * maxBatch} windows, or by a wall-clock punctuator once its oldest window has waited {@code
 * maxDelay} while the stream thread was not scoring. Time the thread spends scoring (any of its
 * tasks' batches) does not count: under load a task's buffer keeps filling while the thread scores
 * another task's batch, instead of being flushed half full as soon as that batch ends (half-full
 * model calls cost almost as much as full ones); when idle the delay is plain wall-clock time.
 * Buffering, flushing and the input offsets all belong to the same task, so Kafka Streams commits
 * them in one transaction (exactly-once v2): after a crash the buffer is restored from its
 * changelog exactly as of the last commit, and the frames after that commit are processed again, so
 * every window is recognized exactly once. A batch spans the streams of one task (partition); with
 * several partitions per stream thread each task batches on its own.
 *
 * <p>Per flush: the vocabulary snapshot is read once (a change that reached the instance is used by
 * every later batch), the model is leased once by the scorer (a swap takes effect between batches).
 * An empty vocabulary scores nothing: the windows are consumed, counted and logged. Windows the
 * scorer refuses go to dead letters.
 */
public final class ScoreWindowsProcessor implements Processor<String, ClipWindow, Object, Object> {

  private static final Logger LOG = LoggerFactory.getLogger(ScoreWindowsProcessor.class);

  /** Nanoseconds the calling (stream) thread has spent scoring, over all its tasks. */
  private static final ThreadLocal<long[]> SCORING_NANOS =
      ThreadLocal.withInitial(() -> new long[1]);

  private final String bufferStoreName;
  private final String vocabularyStoreName;
  private final VocabularyBook book;
  private final ScorerPool scorers;
  private final int maxBatch;
  private final Duration maxDelay;
  private final int topK;
  private final String recognitionsChild;
  private final String deadLetterChild;
  private final String sourceTopic;
  private final RecognizerMetrics metrics;

  private ProcessorContext<Object, Object> context;
  private KeyValueStore<String, ClipWindow> buffer;
  private ReadOnlyKeyValueStore<String, VocabularyEntry> vocabulary;
  private ClipScorer scorer;
  private int buffered;
  private long oldestBufferedAt = Long.MAX_VALUE;
  private long scoringNanosAtOldest;
  private boolean emptyVocabularyLogged;

  public ScoreWindowsProcessor(
      String bufferStoreName,
      String vocabularyStoreName,
      VocabularyBook book,
      ScorerPool scorers,
      int maxBatch,
      Duration maxDelay,
      int topK,
      String recognitionsChild,
      String deadLetterChild,
      String sourceTopic,
      RecognizerMetrics metrics) {
    this.bufferStoreName = bufferStoreName;
    this.vocabularyStoreName = vocabularyStoreName;
    this.book = book;
    this.scorers = scorers;
    this.maxBatch = maxBatch;
    this.maxDelay = maxDelay;
    this.topK = topK;
    this.recognitionsChild = recognitionsChild;
    this.deadLetterChild = deadLetterChild;
    this.sourceTopic = sourceTopic;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    this.buffer = context.getStateStore(bufferStoreName);
    this.vocabulary = context.getStateStore(vocabularyStoreName);
    this.scorer = scorers.scorerFor(Thread.currentThread().getName());
    scoringNanosAtOldest = SCORING_NANOS.get()[0];
    buffered = (int) Math.min(Integer.MAX_VALUE, buffer.approximateNumEntries());
    if (buffered > 0) {
      oldestBufferedAt = 0; // restored windows: flush at the first punctuation
      metrics.queueDepth.inc(buffered);
    }
    long tick = Math.max(1, maxDelay.toMillis() / 2);
    context.schedule(Duration.ofMillis(tick), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
  }

  @Override
  public void process(org.apache.kafka.streams.processor.api.Record<String, ClipWindow> record) {
    ClipWindow w = record.value();
    buffer.put(w.bufferKey(), w);
    buffered++;
    metrics.queueDepth.inc();
    if (oldestBufferedAt == Long.MAX_VALUE) {
      oldestBufferedAt = context.currentSystemTimeMs();
      scoringNanosAtOldest = SCORING_NANOS.get()[0];
    }
    if (buffered >= maxBatch || maxDelay.isZero()) {
      flush();
    }
  }

  private void punctuate(long now) {
    if (buffered == 0) {
      return;
    }
    long busyMs = (SCORING_NANOS.get()[0] - scoringNanosAtOldest) / 1_000_000;
    if (now - oldestBufferedAt - busyMs >= maxDelay.toMillis()) {
      flush();
    }
  }

  /** Scores everything buffered, in batches of at most {@code maxBatch}. */
  private void flush() {
    while (true) {
      List<ClipWindow> batch = new ArrayList<>(maxBatch);
      try (KeyValueIterator<String, ClipWindow> it = buffer.all()) {
        while (it.hasNext() && batch.size() < maxBatch) {
          KeyValue<String, ClipWindow> kv = it.next();
          batch.add(kv.value);
        }
      }
      if (batch.isEmpty()) {
        break;
      }
      for (ClipWindow w : batch) {
        buffer.delete(w.bufferKey());
      }
      metrics.queueDepth.dec(batch.size());
      buffered = Math.max(0, buffered - batch.size());
      scoreBatch(batch);
    }
    buffered = 0;
    oldestBufferedAt = Long.MAX_VALUE;
  }

  private void scoreBatch(List<ClipWindow> batch) {
    VocabularySnapshot vocab = book.snapshot(vocabulary);
    metrics.vocabularyVersion.set(vocab.version());
    metrics.vocabularySize.set(vocab.classes().size());
    if (vocab.isEmpty()) {
      metrics.unscoredWindows.inc(batch.size());
      if (!emptyVocabularyLogged) {
        LOG.warn(
            "the vocabulary is empty: {} window(s) not recognized; add labels with"
                + " 'openmede vocab add LABEL' or 'openmede vocab import FILE'",
            batch.size());
        emptyVocabularyLogged = true;
      }
      return;
    }
    emptyVocabularyLogged = false;
    long t0 = System.nanoTime();
    ScoredBatch scored = scorer.score(batch, vocab, topK);
    long nanos = System.nanoTime() - t0;
    SCORING_NANOS.get()[0] += nanos;
    metrics.batchSeconds.observe(nanos / 1e9);
    metrics.batchSize.observe(batch.size());
    long now = context.currentSystemTimeMs();
    for (int i = 0; i < batch.size(); i++) {
      ClipWindow w = batch.get(i);
      WindowScore s = scored.scores().get(i);
      if (s.refusal().isPresent()) {
        deadLetter(w, s.refusal().get(), now);
        continue;
      }
      double latencyMs = Math.max(0, now - w.readyAtMs());
      List<LabelScore> top = new ArrayList<>(s.top().size());
      for (RankedLabel r : s.top()) {
        top.add(new LabelScore(r.label(), r.probability(), r.cosine()));
      }
      Recognition recognition =
          Recognition.newBuilder()
              .setStreamId(w.streamId())
              .setWindowStart(Instant.ofEpochMilli(w.startTimeMs()))
              .setWindowEnd(Instant.ofEpochMilli(w.endTimeMs()))
              .setFirstSequence(w.firstSequence())
              .setLastSequence(w.lastSequence())
              .setTop(top)
              .setModelVersion(scored.modelVersion())
              .setVocabularyVersion(vocab.version())
              .setProcessingLatencyMs(latencyMs)
              .setRecognizedAt(Instant.ofEpochMilli(now))
              .build();
      metrics.recognitions.inc();
      metrics.latency.observe(latencyMs / 1000.0);
      context.forward(
          new org.apache.kafka.streams.processor.api.Record<Object, Object>(
              w.streamId(), recognition, Math.max(0, w.endTimeMs())),
          recognitionsChild);
    }
  }

  private void deadLetter(ClipWindow w, String reason, long now) {
    byte[] key = w.streamId().getBytes(StandardCharsets.UTF_8);
    DeadLetter letter =
        DeadLetters.of(
            sourceTopic,
            OptionalInt.empty(),
            OptionalLong.empty(),
            Optional.of(key),
            Optional.empty(),
            "window of frames "
                + w.firstSequence()
                + ".."
                + w.lastSequence()
                + " of stream "
                + w.streamId()
                + " not scored: "
                + reason,
            "io.openmede.recognizer.score.ClipScorer",
            now);
    metrics.deadLetters.labelValues("unscorable-window").inc();
    context.forward(
        new org.apache.kafka.streams.processor.api.Record<Object, Object>(key, letter, now),
        deadLetterChild);
  }
}
