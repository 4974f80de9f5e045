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
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
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
 * <p>{@link ScoringMode#PIPELINED}: a full batch is scored on a scoring thread belonging to the
 * stream thread (one per stream thread, shared by its tasks, at most one batch in flight per task),
 * while the stream thread goes on reading and windowing; the next full batch waits for the one in
 * flight (backpressure). The results are forwarded at the next record or punctuation of the task
 * after the batch is done.
 *
 * <p>Per batch: the vocabulary snapshot is read once when it is taken (a change that reached the
 * instance is used by every later batch), the model is leased once by the scorer (a swap takes
 * effect between batches). An empty vocabulary scores nothing: the windows are consumed, counted
 * and logged. Windows the scorer refuses go to dead letters.
 */
public final class ScoreWindowsProcessor implements Processor<String, ClipWindow, Object, Object> {

  private static final Logger LOG = LoggerFactory.getLogger(ScoreWindowsProcessor.class);

  /** Nanoseconds the calling (stream) thread has spent scoring, over all its tasks. */
  private static final ThreadLocal<long[]> SCORING_NANOS =
      ThreadLocal.withInitial(() -> new long[1]);

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

  private ProcessorContext<Object, Object> context;
  private KeyValueStore<String, ClipWindow> buffer;
  private ReadOnlyKeyValueStore<String, VocabularyEntry> vocabulary;
  private ClipScorer scorer;
  private ScoringLane lane;

  /** Windows in the buffer that no batch has taken yet. */
  private int pending;

  private long oldestBufferedAt = Long.MAX_VALUE;
  private long scoringNanosAtOldest;
  private Future<Done> inFlight;
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
      ScoringMode mode) {
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
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    this.buffer = context.getStateStore(bufferStoreName);
    this.vocabulary = context.getStateStore(vocabularyStoreName);
    this.scorer = scorers.scorerFor(Thread.currentThread().getName());
    this.lane = mode == ScoringMode.PIPELINED ? LANES.get() : null;
    scoringNanosAtOldest = SCORING_NANOS.get()[0];
    int restored = 0;
    try (KeyValueIterator<String, ClipWindow> it = buffer.all()) {
      while (it.hasNext()) {
        it.next();
        restored++;
      }
    }
    pending = restored;
    if (pending > 0) {
      oldestBufferedAt = 0; // restored windows: flush at the first punctuation
      metrics.queueDepth.inc(pending);
    }
    long tick = Math.max(1, maxDelay.toMillis() / 2);
    context.schedule(Duration.ofMillis(tick), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
  }

  @Override
  public void process(org.apache.kafka.streams.processor.api.Record<String, ClipWindow> record) {
    ClipWindow w = record.value();
    buffer.put(w.bufferKey(), w);
    pending++;
    metrics.queueDepth.inc();
    if (oldestBufferedAt == Long.MAX_VALUE) {
      oldestBufferedAt = context.currentSystemTimeMs();
      scoringNanosAtOldest = SCORING_NANOS.get()[0];
    }
    collect(false);
    while (pending >= maxBatch || (maxDelay.isZero() && pending > 0)) {
      collect(true); // backpressure: one batch in flight per task
      if (!submit()) {
        break;
      }
      if (lane == null) {
        collect(true);
      }
    }
  }

  private void punctuate(long now) {
    collect(false);
    if (pending == 0 || inFlight != null) {
      return;
    }
    boolean due;
    if (lane == null) {
      long busyMs = (SCORING_NANOS.get()[0] - scoringNanosAtOldest) / 1_000_000;
      due = now - oldestBufferedAt - busyMs >= maxDelay.toMillis();
    } else {
      due = lane.idle() && now - oldestBufferedAt >= maxDelay.toMillis();
    }
    if (due) {
      while (pending > 0 && submit()) {
        collect(true); // input is slow: no point in waiting for the next record to forward
      }
    }
  }

  /**
   * Takes the next batch (at most {@code maxBatch} windows in key order that no batch has taken)
   * and scores it, on the stream thread or the lane. False when the buffer had none.
   */
  private boolean submit() {
    List<ClipWindow> batch = new ArrayList<>(maxBatch);
    try (KeyValueIterator<String, ClipWindow> it = buffer.all()) {
      while (it.hasNext() && batch.size() < maxBatch) {
        KeyValue<String, ClipWindow> kv = it.next();
        if (!inFlightKeys.contains(kv.key)) {
          batch.add(kv.value);
        }
      }
    }
    if (batch.isEmpty()) {
      pending = 0;
      oldestBufferedAt = Long.MAX_VALUE;
      return false;
    }
    pending = Math.max(0, pending - batch.size());
    if (pending == 0) {
      oldestBufferedAt = Long.MAX_VALUE;
    }
    for (ClipWindow w : batch) {
      inFlightKeys.add(w.bufferKey());
    }
    Taken taken = new Taken(batch, book.snapshot(vocabulary));
    metrics.vocabularyVersion.set(taken.vocabulary().version());
    metrics.vocabularySize.set(taken.vocabulary().classes().size());
    if (taken.vocabulary().isEmpty()) {
      inFlight = CompletableFuture.completedFuture(new Done(taken, null));
    } else if (lane == null) {
      inFlight = CompletableFuture.completedFuture(new Done(taken, score(taken)));
    } else {
      inFlight = lane.submit(() -> new Done(taken, score(taken)));
    }
    return true;
  }

  private ScoredBatch score(Taken taken) {
    long t0 = System.nanoTime();
    ScoredBatch scored = scorer.score(taken.windows(), taken.vocabulary(), topK);
    long nanos = System.nanoTime() - t0;
    SCORING_NANOS.get()[0] += nanos;
    metrics.batchSeconds.observe(nanos / 1e9);
    return scored;
  }

  /** Forwards the results of the batch in flight, if any and done (or waits when {@code wait}). */
  private void collect(boolean wait) {
    if (inFlight == null || (!wait && !inFlight.isDone())) {
      return;
    }
    Done done;
    try {
      done = inFlight.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while a micro-batch was scored", e);
    } catch (ExecutionException e) {
      inFlight = null;
      inFlightKeys.clear();
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException("scoring a micro-batch failed", e.getCause());
    }
    inFlight = null;
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
    // a batch still in flight is dropped: its windows are still in the buffer (and so in the
    // committed state), and the task's next owner scores them
    inFlight = null;
    inFlightKeys.clear();
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
