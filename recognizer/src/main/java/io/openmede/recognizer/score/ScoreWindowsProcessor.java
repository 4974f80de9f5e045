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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
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
 * <p>Design: a ready window is put into a persistent, changelogged buffer store of this task. A
 * micro-batch is taken from the buffer when it holds {@code maxBatch} windows, or by a wall-clock
 * punctuator once its oldest window has waited {@code maxDelay} while the scorer was idle (time the
 * stream thread or its scoring thread spends scoring does not count: under load a task's buffer
 * keeps filling while another task's batch is scored, instead of being flushed half full as soon as
 * that batch ends; when idle the delay is plain wall-clock time). A batch's windows stay in the
 * buffer until its results are forwarded; forwarding and deleting them happen together on the
 * stream thread. Buffering, forwarding, deleting and the input offsets all belong to the same task,
 * so Kafka Streams commits them in one transaction (exactly-once v2): after a crash the buffer is
 * restored from its changelog exactly as of the last commit (including windows whose batch was
 * being scored then), and the frames after that commit are processed again, so every window is
 * recognized exactly once. A batch spans the streams of one task (partition); with several
 * partitions per stream thread each task batches on its own.
 *
 * <p>{@link ScoringMode#PIPELINED}: the stream thread prepares a full batch ({@link
 * ClipScorer#prepare}: decoding and preprocessing) and hands it to a scoring thread belonging to
 * the stream thread (one per stream thread, shared by its tasks), which runs the model while the
 * stream thread goes on reading, windowing, preparing and committing. Each task may have {@value
 * #PIPELINE_DEPTH} batches in flight, so that the scoring thread still has a batch queued while the
 * stream thread commits; a further full batch waits for the oldest one (backpressure). Results are
 * forwarded in batch order at the next record or punctuation of the task after their batch is done.
 * A partial batch (flushed by time) is only taken when the task has nothing in flight: under load
 * batches stay full.
 *
 * <p>Per batch: the vocabulary snapshot is read once when it is taken (a change that reached the
 * instance is used by every later batch), the model is leased once by the scorer (a swap takes
 * effect between batches). An empty vocabulary scores nothing: the windows are consumed, counted
 * and logged. Windows the scorer refuses go to dead letters.
 */
public final class ScoreWindowsProcessor implements Processor<String, ClipWindow, Object, Object> {

  private static final Logger LOG = LoggerFactory.getLogger(ScoreWindowsProcessor.class);

  /**
   * Nanoseconds the calling (stream) thread has spent scoring or waiting for a batch in flight,
   * over all its tasks.
   */
  private static final ThreadLocal<long[]> SCORING_NANOS =
      ThreadLocal.withInitial(() -> new long[1]);

  /** Batches a task may have in flight on its scoring thread (pipelined mode). */
  public static final int PIPELINE_DEPTH = 4;

  /** Whether the calling stream thread has lowered its priority. */
  private static final ThreadLocal<boolean[]> LOWERED =
      ThreadLocal.withInitial(() -> new boolean[1]);

  /** The scoring thread of each stream thread (pipelined mode). */
  private static final ThreadLocal<ScoringLane> LANES =
      ThreadLocal.withInitial(() -> new ScoringLane(Thread.currentThread().getName() + "-scorer"));

  /** A batch taken from the buffer and what became of it. */
  private record Taken(List<ClipWindow> windows, VocabularySnapshot vocabulary) {}

  /** A scored batch. */
  private record Done(Taken taken, ScoredBatch scored) {}

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
  private final ScoringMode mode;
  private final int threadsNice;
  private final boolean threadsOwnCpu;

  private ProcessorContext<Object, Object> context;
  private KeyValueStore<String, ClipWindow> buffer;
  private ReadOnlyKeyValueStore<String, VocabularyEntry> vocabulary;
  private ClipScorer scorer;
  private ScoringLane lane;

  /**
   * Windows in the buffer that no batch has taken yet, in key order: the buffer store stays the
   * record (and what a restart restores), this index spares decoding the whole buffer at every
   * batch.
   */
  private final NavigableMap<String, ClipWindow> waiting = new TreeMap<>();

  private long oldestBufferedAt = Long.MAX_VALUE;
  private long scoringNanosAtOldest;

  /** Batches taken and not yet forwarded, oldest first. */
  private final Deque<Future<Done>> inFlight = new ArrayDeque<>();

  private final Set<String> inFlightKeys = new HashSet<>();
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
      RecognizerMetrics metrics,
      ScoringMode mode,
      int threadsNice,
      boolean threadsOwnCpu) {
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
    this.mode = mode;
    this.threadsNice = threadsNice;
    this.threadsOwnCpu = threadsOwnCpu;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    this.buffer = context.getStateStore(bufferStoreName);
    this.vocabulary = context.getStateStore(vocabularyStoreName);
    this.scorer = scorers.scorerFor(Thread.currentThread().getName());
    this.lane = mode == ScoringMode.PIPELINED ? LANES.get() : null;
    if (lane != null) {
      // the scoring thread is started first, so that it keeps the process's priority (a thread
      // inherits its creator's nice value), then this stream thread and the JVM's background
      // threads step back: on shared cores the model keeps its core
      lane.start();
      if (threadsNice > 0 && !LOWERED.get()[0]) {
        ThreadPriorities.lowerCurrentAndBackgroundThreads(threadsNice);
        LOWERED.get()[0] = true;
      }
      lane.taskOpened(threadsOwnCpu);
    }
    scoringNanosAtOldest = SCORING_NANOS.get()[0];
    try (KeyValueIterator<String, ClipWindow> it = buffer.all()) {
      while (it.hasNext()) {
        KeyValue<String, ClipWindow> kv = it.next();
        waiting.put(kv.key, kv.value);
      }
    }
    if (!waiting.isEmpty()) {
      oldestBufferedAt = 0; // restored windows: flush at the first punctuation
      metrics.queueDepth.inc(waiting.size());
    }
    long tick = Math.max(1, maxDelay.toMillis() / 2);
    context.schedule(Duration.ofMillis(tick), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
  }

  @Override
  public void process(org.apache.kafka.streams.processor.api.Record<String, ClipWindow> record) {
    ClipWindow w = record.value();
    buffer.put(w.bufferKey(), w);
    if (!inFlightKeys.contains(w.bufferKey()) && waiting.put(w.bufferKey(), w) == null) {
      metrics.queueDepth.inc();
    }
    if (oldestBufferedAt == Long.MAX_VALUE) {
      oldestBufferedAt = context.currentSystemTimeMs();
      scoringNanosAtOldest = SCORING_NANOS.get()[0];
    }
    collectDone();
    int depth = lane == null ? 1 : PIPELINE_DEPTH;
    while (waiting.size() >= maxBatch || (maxDelay.isZero() && !waiting.isEmpty())) {
      while (inFlight.size() >= depth) {
        collectOldest(); // backpressure
      }
      if (!submit()) {
        break;
      }
    }
    if (lane == null) {
      collectAll();
    }
  }

  private void punctuate(long now) {
    collectDone();
    if (waiting.isEmpty() || !inFlight.isEmpty()) {
      return;
    }
    long busyMs = (SCORING_NANOS.get()[0] - scoringNanosAtOldest) / 1_000_000;
    if (now - oldestBufferedAt - busyMs >= maxDelay.toMillis()) {
      while (!waiting.isEmpty() && submit()) {
        collectAll(); // input is slow: no point in waiting for the next record to forward
      }
    }
  }

  /**
   * Takes the next batch (at most {@code maxBatch} windows in key order that no batch has taken)
   * and scores it, on the stream thread or the lane. False when the buffer had none.
   */
  private boolean submit() {
    List<ClipWindow> batch = new ArrayList<>(Math.min(maxBatch, waiting.size()));
    while (batch.size() < maxBatch && !waiting.isEmpty()) {
      batch.add(waiting.pollFirstEntry().getValue());
    }
    if (waiting.isEmpty()) {
      oldestBufferedAt = Long.MAX_VALUE;
    }
    if (batch.isEmpty()) {
      return false;
    }
    for (ClipWindow w : batch) {
      inFlightKeys.add(w.bufferKey());
    }
    Taken taken = new Taken(batch, book.snapshot(vocabulary));
    metrics.vocabularyVersion.set(taken.vocabulary().version());
    metrics.vocabularySize.set(taken.vocabulary().classes().size());
    if (taken.vocabulary().isEmpty()) {
      inFlight.addLast(CompletableFuture.completedFuture(new Done(taken, null)));
      return true;
    }
    // decoding and preprocessing happen here, on the stream thread, while the scoring thread runs
    // the model on the previous batch
    long t0 = System.nanoTime();
    ClipScorer.Prepared prepared = scorer.prepare(batch);
    metrics.prepareSeconds.observe((System.nanoTime() - t0) / 1e9);
    if (lane == null) {
      inFlight.addLast(CompletableFuture.completedFuture(new Done(taken, score(taken, prepared))));
    } else {
      inFlight.addLast(lane.submit(() -> new Done(taken, score(taken, prepared))));
    }
    return true;
  }

  private ScoredBatch score(Taken taken, ClipScorer.Prepared prepared) {
    long t0 = System.nanoTime();
    ScoredBatch scored = scorer.score(prepared, taken.vocabulary(), topK);
    long nanos = System.nanoTime() - t0;
    SCORING_NANOS.get()[0] += nanos;
    metrics.batchSeconds.observe(nanos / 1e9);
    return scored;
  }

  /** Forwards the results of the batches in flight that are done, oldest first, if any. */
  private void collectDone() {
    while (!inFlight.isEmpty() && inFlight.peekFirst().isDone()) {
      collectOldest();
    }
  }

  /** Waits for every batch in flight and forwards their results. */
  private void collectAll() {
    while (!inFlight.isEmpty()) {
      collectOldest();
    }
  }

  /** Waits for the oldest batch in flight and forwards its results. */
  private void collectOldest() {
    Future<Done> oldest = inFlight.peekFirst();
    Done done;
    try {
      if (!oldest.isDone()) {
        long t0 = System.nanoTime();
        oldest.get();
        SCORING_NANOS.get()[0] += System.nanoTime() - t0; // waiting for the scorer: busy too
      }
      done = oldest.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while a micro-batch was scored", e);
    } catch (ExecutionException e) {
      inFlight.clear();
      inFlightKeys.clear();
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException("scoring a micro-batch failed", e.getCause());
    }
    inFlight.removeFirst();
    List<ClipWindow> batch = done.taken().windows();
    for (ClipWindow w : batch) {
      buffer.delete(w.bufferKey());
      inFlightKeys.remove(w.bufferKey());
    }
    metrics.queueDepth.dec(batch.size());
    forward(done);
  }

  private void forward(Done done) {
    List<ClipWindow> batch = done.taken().windows();
    VocabularySnapshot vocab = done.taken().vocabulary();
    if (done.scored() == null) {
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
    ScoredBatch scored = done.scored();
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

  @Override
  public void close() {
    // batches still in flight are dropped: their windows are still in the buffer (and so in the
    // committed state), and the task's next owner scores them
    inFlight.clear();
    inFlightKeys.clear();
    waiting.clear();
    if (lane != null) {
      lane.taskClosed();
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
