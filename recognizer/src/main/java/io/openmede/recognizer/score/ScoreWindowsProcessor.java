package io.openmede.recognizer.score;

import io.openmede.recognizer.metrics.RecognizerMetrics;
import io.openmede.recognizer.vocabulary.VocabularyBook;
import io.openmede.recognizer.vocabulary.VocabularySnapshot;
import io.openmede.recognizer.window.ClipWindow;
import io.openmede.schemas.avro.Recognition;
import io.openmede.schemas.avro.VocabularyEntry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Micro-batches ready windows and scores them, without weakening exactly-once.
 *
 * <p>Design: a ready window is put into a changelogged buffer store of this task (on the heap by
 * default, RocksDB with {@code recognizer.state.store=rocksdb}; restored from its changelog either
 * way). A micro-batch is taken from the buffer when it holds {@code maxBatch} windows, or by a
 * wall-clock partial batch when the scorer would otherwise sit idle: the task has nothing in
 * flight, the scoring thread has nothing to run (of any task), and the oldest window has waited
 * {@code maxDelay} (checked at each record and each wall-clock punctuation; {@link MicroBatcher}).
 * Under load the scorer is never idle and batches stay full; under a light load a ready window is
 * scored at once with a zero delay. A batch's windows stay in the buffer until its results are
 * forwarded; forwarding and deleting them happen together on the stream thread. Buffering,
 * forwarding, deleting and the input offsets all belong to the same task, so Kafka Streams commits
 * them in one transaction (exactly-once v2): after a crash the buffer is restored from its
 * changelog exactly as of the last commit (including windows whose batch was being scored then),
 * and the frames after that commit are processed again, so every window is recognized exactly once.
 * A batch spans the streams of one task (partition); with several partitions per stream thread each
 * task batches on its own.
 *
 * <p>{@link ScoringMode#PIPELINED}: the stream thread prepares a full batch ({@link
 * ClipScorer#prepare}: decoding and preprocessing) and hands it to a scoring thread belonging to
 * the stream thread (one per stream thread, shared by its tasks), which runs the model while the
 * stream thread goes on reading, windowing, preparing and committing. Each task may have {@value
 * #PIPELINE_DEPTH} batches in flight, so that the scoring thread still has a batch queued while the
 * stream thread commits; a further full batch waits for the oldest one (backpressure). Results are
 * forwarded in batch order at the next record or punctuation of the task after their batch is done.
 * A partial batch is only taken when the scorer is idle: under load batches stay full.
 *
 * <p>Per batch: the vocabulary snapshot is read once when it is taken (a change that reached the
 * instance is used by every later batch), the model is leased once by the scorer (a swap takes
 * effect between batches). An empty vocabulary scores nothing: the windows are consumed, counted
 * and logged. Windows the scorer refuses go to dead letters.
 *
 * <p>Failures: a batch whose preparation or scoring throws is not lost with the exception: its
 * windows wait again and are retried at the next punctuation, and are dead-lettered as {@code
 * unscorable-window} after {@link #SCORING_ATTEMPTS} failures. Any other exception that leaves the
 * processor (the service's processing exception handler dead-letters the input and the task goes
 * on) makes the next call look for buffered windows that are neither waiting nor in flight and
 * offer them again: a window in the buffer is always on its way to a recognition or a dead letter,
 * never parked until the next restart.
 *
 * <p>The pieces: {@link MicroBatcher} decides when a batch is taken and what is in it (pure),
 * {@link InFlightBatches} keeps the batches taken and not yet forwarded, {@link ScoringThreads}
 * gives each stream thread its {@link ScoringLane} and busy clock, {@link RecognitionRecords}
 * builds what is forwarded. This class ties them to the task's stores and context.
 */
public final class ScoreWindowsProcessor implements Processor<String, ClipWindow, Object, Object> {

  private static final Logger LOG = LoggerFactory.getLogger(ScoreWindowsProcessor.class);

  /** Batches a task may have in flight on its scoring thread (pipelined mode). */
  public static final int PIPELINE_DEPTH = 4;

  /**
   * Where the processor reads and writes: its buffer store, the global vocabulary store, its two
   * children, and the topic named in its dead letters.
   */
  public record Wiring(
      String bufferStore,
      String vocabularyStore,
      String recognitionsChild,
      String deadLetterChild,
      String sourceTopic) {}

  /** The micro-batch rules: at most {@code maxBatch} windows, waiting at most {@code maxDelay}. */
  public record Batching(int maxBatch, Duration maxDelay, int topK) {}

  /** A batch taken from the buffer, with the vocabulary it is scored against. */
  private record Taken(List<ClipWindow> windows, VocabularySnapshot vocabulary) {}

  /**
   * A batch and its scores; empty scores when the vocabulary was empty; the exception instead when
   * preparing or scoring it threw.
   */
  private record Done(
      Taken taken, Optional<ScoredBatch> scored, Optional<RuntimeException> failure) {
    static Done scored(Taken taken, ScoredBatch scored) {
      return new Done(taken, Optional.of(scored), Optional.empty());
    }

    static Done unscored(Taken taken) {
      return new Done(taken, Optional.empty(), Optional.empty());
    }

    static Done failed(Taken taken, RuntimeException e) {
      return new Done(taken, Optional.empty(), Optional.of(e));
    }
  }

  /**
   * How many times a window may be in a batch whose preparation or scoring threw (or whose
   * forwarding did) before it is dead-lettered as unscorable: a transient failure (a model swapped
   * at the wrong moment, memory short for a moment) is retried, a window that fails every time does
   * not hold its stream back forever.
   */
  public static final int SCORING_ATTEMPTS = 3;

  private final Wiring wiring;
  private final Batching batching;
  private final VocabularyBook book;
  private final ScorerPool scorers;
  private final ScoringThreads threads;
  private final RecognizerMetrics metrics;

  private ProcessorContext<Object, Object> context;
  private KeyValueStore<String, ClipWindow> buffer;
  private ReadOnlyKeyValueStore<String, VocabularyEntry> vocabulary;
  private ClipScorer scorer;
  private ScoringThreads.StreamThread thread;
  private Optional<ScoringLane> lane = Optional.empty();

  /**
   * Windows in the buffer that no batch has taken yet: the buffer store stays the record (and what
   * a restart restores), this index spares decoding the whole buffer at every batch.
   */
  private MicroBatcher<ClipWindow> waiting;

  private InFlightBatches<Done> inFlight;
  private boolean emptyVocabularyLogged;

  /**
   * Set when an exception left {@link #process} or {@link #punctuate} (the processing exception
   * handler resumes the task): a window may then be in the buffer but neither waiting nor in
   * flight, and would never be scored until a restart. The next call finds such windows and offers
   * them again ({@link #recoverOrphans}).
   */
  private boolean resync;

  /**
   * Set when a failed batch's windows went back to waiting: no batch is taken again before the next
   * punctuation, so that a retry waits at least a tick instead of failing again at once.
   */
  private boolean retryPending;

  /** Failed attempts of the windows that failed, by buffer key (only windows still buffered). */
  private final java.util.Map<String, Integer> failedAttempts = new java.util.HashMap<>();

  public ScoreWindowsProcessor(
      Wiring wiring,
      Batching batching,
      VocabularyBook book,
      ScorerPool scorers,
      ScoringThreads threads,
      RecognizerMetrics metrics) {
    this.wiring = wiring;
    this.batching = batching;
    this.book = book;
    this.scorers = scorers;
    this.threads = threads;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    this.buffer = context.getStateStore(wiring.bufferStore());
    this.vocabulary = context.getStateStore(wiring.vocabularyStore());
    this.scorer = scorers.scorerFor(Thread.currentThread().getName());
    this.thread = threads.forCurrentThread();
    this.lane = thread.lane();
    lane.ifPresent(ScoringLane::taskOpened);
    this.waiting = new MicroBatcher<>(batching.maxBatch(), batching.maxDelay());
    this.inFlight = new InFlightBatches<>(lane.isPresent() ? PIPELINE_DEPTH : 1);
    try (KeyValueIterator<String, ClipWindow> it = buffer.all()) {
      while (it.hasNext()) {
        KeyValue<String, ClipWindow> kv = it.next();
        waiting.restore(kv.key, kv.value);
      }
    }
    metrics.queueDepth.inc(waiting.waiting());
    long tick = Math.max(1, batching.maxDelay().toMillis() / 2);
    context.schedule(Duration.ofMillis(tick), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
  }

  @Override
  public void process(Record<String, ClipWindow> record) {
    try {
      recoverOrphans();
      processWindow(record);
    } catch (RuntimeException e) {
      resync = true;
      throw e;
    }
  }

  private void processWindow(Record<String, ClipWindow> record) {
    ClipWindow w = record.value();
    buffer.put(w.bufferKey(), w);
    if (!inFlight.holds(w.bufferKey())
        && waiting.offer(w.bufferKey(), w, context.currentSystemTimeMs(), thread.busyNanos())) {
      metrics.queueDepth.inc();
    }
    forwardDone();
    while (!retryPending && waiting.fullBatchWaiting()) {
      while (inFlight.full()) {
        forwardOldest(); // backpressure
      }
      if (retryPending || !submit()) {
        break;
      }
    }
    if (!retryPending) {
      submitPartialIfDue(context.currentSystemTimeMs());
    }
    if (lane.isEmpty()) {
      forwardAll();
    }
  }

  private void punctuate(long now) {
    try {
      recoverOrphans();
      forwardDoneAndFlush(now);
    } catch (RuntimeException e) {
      resync = true;
      throw e;
    }
  }

  private void forwardDoneAndFlush(long now) {
    retryPending = false;
    forwardDone();
    submitPartialIfDue(now);
    if (lane.isEmpty()) {
      forwardAll(); // input is slow: no point in waiting for the next record to forward
    }
  }

  /**
   * Takes a partial batch when the scorer would otherwise sit idle and the oldest window has waited
   * long enough ({@link MicroBatcher#dueByTime}); on the lane it runs while the stream thread goes
   * on, and its results are forwarded at the task's next record or punctuation.
   */
  private void submitPartialIfDue(long now) {
    boolean scorerIdle = lane.map(ScoringLane::idle).orElse(true);
    if (waiting.dueByTime(now, thread.busyNanos(), inFlight.size(), scorerIdle)) {
      submit();
    }
  }

  /**
   * Takes the next batch and scores it, on the stream thread or its lane. False when none waited.
   */
  private boolean submit() {
    List<ClipWindow> batch = waiting.take();
    if (batch.isEmpty()) {
      return false;
    }
    List<String> keys = batch.stream().map(ClipWindow::bufferKey).toList();
    Taken taken = new Taken(batch, book.snapshot(vocabulary));
    metrics.vocabularyVersion.set(taken.vocabulary().version());
    metrics.vocabularySize.set(taken.vocabulary().classes().size());
    if (taken.vocabulary().isEmpty()) {
      inFlight.add(CompletableFuture.completedFuture(Done.unscored(taken)), keys);
      return true;
    }
    // decoding and preprocessing happen here, on the stream thread, while the scoring thread runs
    // the model on the previous batch
    long t0 = System.nanoTime();
    ClipScorer.Prepared prepared;
    try {
      prepared = scorer.prepare(batch);
    } catch (RuntimeException e) {
      inFlight.add(CompletableFuture.completedFuture(Done.failed(taken, e)), keys);
      return true;
    }
    metrics.prepareSeconds.observe((System.nanoTime() - t0) / 1e9);
    if (lane.isPresent()) {
      inFlight.add(lane.get().submit(() -> score(taken, prepared)), keys);
    } else {
      long s0 = System.nanoTime();
      Done done = score(taken, prepared);
      thread.addBusy(System.nanoTime() - s0);
      inFlight.add(CompletableFuture.completedFuture(done), keys);
    }
    return true;
  }

  /** Scores a batch; a scorer that throws makes a failed batch, retried by {@link #forward}. */
  private Done score(Taken taken, ClipScorer.Prepared prepared) {
    long t0 = System.nanoTime();
    try {
      ScoredBatch scored = scorer.score(prepared, taken.vocabulary(), batching.topK());
      metrics.batchSeconds.observe((System.nanoTime() - t0) / 1e9);
      return Done.scored(taken, scored);
    } catch (RuntimeException e) {
      return Done.failed(taken, e);
    }
  }

  /** Forwards the results of the batches in flight that are done, oldest first, if any. */
  private void forwardDone() {
    Optional<Done> done;
    while ((done = inFlight.pollDone()).isPresent()) {
      forward(done.get());
    }
  }

  /** Waits for every batch in flight and forwards their results. */
  private void forwardAll() {
    while (!inFlight.isEmpty()) {
      forwardOldest();
    }
  }

  /** Waits for the oldest batch in flight and forwards its results. */
  private void forwardOldest() {
    long t0 = System.nanoTime();
    Done done = inFlight.awaitOldest();
    thread.addBusy(System.nanoTime() - t0); // waiting for the scorer: busy too
    forward(done);
  }

  /**
   * Forwards a batch's records and deletes its windows from the buffer, on the stream thread, each
   * window's record before its deletion (an exception part-way leaves the rest buffered, and {@link
   * #recoverOrphans} offers them again). A failed batch's windows wait again, or are dead-lettered
   * after {@link #SCORING_ATTEMPTS}.
   */
  private void forward(Done done) {
    List<ClipWindow> batch = done.taken().windows();
    if (done.failure().isPresent()) {
      RuntimeException e = done.failure().get();
      metrics.scoringFailures.inc();
      LOG.warn(
          "scoring a micro-batch of {} window(s) failed; they are scored again (at most {} times"
              + " each): {}",
          batch.size(),
          SCORING_ATTEMPTS,
          String.valueOf(e),
          e);
      for (ClipWindow w : batch) {
        retryOrRefuse(w, "scoring failed: " + e);
      }
      return;
    }
    if (done.scored().isEmpty()) {
      for (ClipWindow w : batch) {
        removeFromBuffer(w);
      }
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
    ScoredBatch scored = done.scored().get();
    metrics.batchSize.observe(batch.size());
    long now = context.currentSystemTimeMs();
    for (int i = 0; i < batch.size(); i++) {
      ClipWindow w = batch.get(i);
      WindowScore s = scored.scores().get(i);
      if (s.refusal().isPresent()) {
        refuse(w, s.refusal().get());
        continue;
      }
      Recognition recognition =
          RecognitionRecords.recognition(
              w, s, scored.modelVersion(), done.taken().vocabulary().version(), now);
      metrics.recognitions.inc();
      metrics.latency.observe(recognition.getProcessingLatencyMs() / 1000.0);
      context.forward(
          new Record<Object, Object>(w.streamId(), recognition, Math.max(0, w.endTimeMs())),
          wiring.recognitionsChild());
      removeFromBuffer(w);
    }
  }

  /** Dead-letters a window that cannot be scored and forgets it. */
  private void refuse(ClipWindow w, String reason) {
    long now = context.currentSystemTimeMs();
    metrics.deadLetters.labelValues("unscorable-window").inc();
    context.forward(
        new Record<Object, Object>(
            RecognitionRecords.key(w),
            RecognitionRecords.refused(wiring.sourceTopic(), w, reason, now),
            now),
        wiring.deadLetterChild());
    removeFromBuffer(w);
  }

  private void removeFromBuffer(ClipWindow w) {
    buffer.delete(w.bufferKey());
    failedAttempts.remove(w.bufferKey());
    metrics.queueDepth.dec();
  }

  /**
   * A window whose batch failed: it waits for another batch, or is dead-lettered once it has failed
   * {@link #SCORING_ATTEMPTS} times. It stays counted in the queue depth while it waits.
   */
  private void retryOrRefuse(ClipWindow w, String reason) {
    int failed = failedAttempts.merge(w.bufferKey(), 1, Integer::sum);
    if (failed >= SCORING_ATTEMPTS) {
      refuse(w, reason + " (" + failed + " attempts)");
      return;
    }
    retryPending = true;
    waiting.offer(w.bufferKey(), w, context.currentSystemTimeMs(), thread.busyNanos());
  }

  /**
   * After an exception left this processor (and the task went on), offers again every buffered
   * window that is neither waiting nor in flight: without this it would stay in the buffer,
   * unscored, until the task restarts. Each such window counts as a failed attempt.
   */
  private void recoverOrphans() {
    if (!resync) {
      return;
    }
    resync = false;
    List<ClipWindow> orphans = new java.util.ArrayList<>();
    try (KeyValueIterator<String, ClipWindow> it = buffer.all()) {
      while (it.hasNext()) {
        KeyValue<String, ClipWindow> kv = it.next();
        if (!waiting.holds(kv.key) && !inFlight.holds(kv.key)) {
          orphans.add(kv.value);
        }
      }
    }
    if (!orphans.isEmpty()) {
      LOG.warn(
          "{} buffered window(s) were left unscored by an exception; they are scored again",
          orphans.size());
    }
    for (ClipWindow w : orphans) {
      retryOrRefuse(w, "its processing threw");
    }
  }

  @Override
  public void close() {
    // batches still in flight are dropped: their windows are still in the buffer (and so in the
    // committed state), and the task's next owner scores them
    if (inFlight != null) {
      inFlight.clear();
    }
    if (waiting != null) {
      waiting.clear();
    }
    failedAttempts.clear();
    lane.ifPresent(ScoringLane::taskClosed);
  }
}
