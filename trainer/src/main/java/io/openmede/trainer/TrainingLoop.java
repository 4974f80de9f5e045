package io.openmede.trainer;

import io.openmede.model.ClassEmbeddings;
import io.openmede.model.ImagePreprocessor;
import io.openmede.model.train.ParameterSet;
import io.openmede.schemas.avro.LabeledClip;
import io.openmede.schemas.avro.TrainingSummary;
import io.openmede.schemas.values.Identifiers;
import io.openmede.trainer.averaging.AverageState;
import io.openmede.trainer.averaging.ExponentialMovingAverage;
import io.openmede.trainer.averaging.GaussianWeightAverage;
import io.openmede.trainer.averaging.ParameterSetAlgebra;
import io.openmede.trainer.averaging.StochasticWeightAverage;
import io.openmede.trainer.averaging.WeightAverage;
import io.openmede.trainer.checkpoint.CheckpointExistsException;
import io.openmede.trainer.checkpoint.CheckpointPublisher;
import io.openmede.trainer.eval.EvaluationResult;
import io.openmede.trainer.eval.Evaluator;
import io.openmede.trainer.meta.MetaOptimizer;
import io.openmede.trainer.meta.OpenMeDeOptimizer;
import io.openmede.trainer.meta.PlainFineTuning;
import io.openmede.trainer.meta.TrainableModel;
import io.openmede.trainer.meta.UpdateReport;
import io.openmede.trainer.state.TrainerProgress;
import io.openmede.trainer.state.TrainerState;
import io.openmede.trainer.state.TrainerStateStore;
import io.openmede.trainer.stream.BatchAssembler;
import io.openmede.trainer.stream.ClassEmbeddingProvider;
import io.openmede.trainer.stream.ClipDecoder;
import io.openmede.trainer.stream.ClipRejectedException;
import io.openmede.trainer.stream.DeadLetterSink;
import io.openmede.trainer.stream.DecodedClip;
import io.openmede.trainer.stream.OffsetTracker;
import io.openmede.trainer.stream.RawClipRecord;
import io.openmede.trainer.stream.SupportQueryPair;
import io.openmede.trainer.stream.SupportQueryPairer;
import io.openmede.trainer.stream.TrainingVocabulary;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer's loop over the labeled stream, independent of Kafka: each record is decoded and
 * validated (refused ones become dead letters, training goes on), held-out clips are kept for
 * evaluation, training clips are paired into tasks, every 2·N·B clips one update is taken, the
 * weight average is fed, checkpoints are published at cycle ends, and the state is saved every K
 * updates.
 *
 * <p>Lifecycle: construct, {@link #start()} (loads a saved state; returns the offsets to seek to),
 * {@link #accept} records in stream order, {@link #saveState()} at shutdown, {@link #close()}. Not
 * thread-safe: one thread drives it.
 */
public final class TrainingLoop implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TrainingLoop.class);

  private static final int MAX_REMEMBERED_FEEDBACK = 100_000;

  private final TrainerSettings settings;
  private final TrainableModel model;
  private final ClassEmbeddingProvider classes;
  private final DeadLetterSink deadLetters;
  private final Optional<CheckpointPublisher> publisher;
  private final TrainerStateStore stateStore;
  private final Function<RawClipRecord, LabeledClip> valueDecoder;
  private final TrainingVocabulary vocabulary;
  private final ClipDecoder decoder;
  private final SupportQueryPairer<DecodedClip> pairer;
  private final List<DecodedClip> heldOut = new ArrayList<>();
  // feedback clips held out, by clip id: a repeated correction of a window replaces its clip
  private final Map<String, DecodedClip> feedbackHeldOut = new LinkedHashMap<>();
  // clip id → label of feedback clips trained on in this run: a repeat with the same label is not
  // trained on again; a changed label (a correction of the correction) is
  private final Map<String, String> feedbackTrained =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > MAX_REMEMBERED_FEEDBACK;
        }
      };
  private final Optional<String> initialParent;
  private OffsetTracker offsets;
  private MetaOptimizer optimizer;
  private WeightAverage<ParameterSet> average;
  private long updates;
  private long clips;
  private long deadLettered;
  private long feedbackClips;
  private long feedbackRepeats;
  private Optional<String> lastCheckpoint = Optional.empty();
  private UpdateReport lastReport;
  private UpdateListener listener = (u, ids, report) -> {};

  /** Told about every finished update (after any publication and state save it caused). */
  @FunctionalInterface
  public interface UpdateListener {
    /**
     * @param updates updates so far
     * @param clipIds the clips of this update, in the order they were used
     * @param report what the update did
     */
    void afterUpdate(long updates, List<String> clipIds, UpdateReport report);
  }

  /** Sets the update listener (called on the loop's thread). */
  public void setUpdateListener(UpdateListener listener) {
    this.listener = listener;
  }

  /**
   * @param valueDecoder bytes to clip; throws a RuntimeException (e.g. {@code BadRecordException})
   *     for a malformed record
   * @param initialParent the version of the starting weights, if known
   */
  public TrainingLoop(
      TrainerSettings settings,
      TrainableModel model,
      ClassEmbeddingProvider classes,
      DeadLetterSink deadLetters,
      Optional<CheckpointPublisher> publisher,
      TrainerStateStore stateStore,
      Function<RawClipRecord, LabeledClip> valueDecoder,
      Optional<String> initialParent) {
    this.settings = settings;
    this.model = model;
    this.classes = classes;
    this.deadLetters = deadLetters;
    this.publisher = publisher;
    this.stateStore = stateStore;
    this.valueDecoder = valueDecoder;
    this.initialParent = initialParent;
    this.vocabulary =
        settings.vocabulary().isEmpty()
            ? TrainingVocabulary.open(List.of(), settings.maxLabels())
            : TrainingVocabulary.fixed(settings.vocabulary());
    this.decoder =
        new ClipDecoder(
            settings.frames(),
            new ImagePreprocessor(model.resolution()),
            vocabulary,
            settings.frameLimits());
    this.pairer =
        new SupportQueryPairer<>(
            settings.optimizer().tasksPerUpdate(), settings.optimizer().batchSize());
  }

  /**
   * Loads the saved state when there is one (θ, AdamW, average, counters), else starts fresh.
   *
   * @return partition → next offset to read (empty map: from the beginning)
   */
  public Map<Integer, Long> start() throws IOException {
    Optional<TrainerState> saved = stateStore.load(model.parameters().device());
    average = newAverage();
    if (saved.isPresent()) {
      try (TrainerState s = saved.get()) {
        model.parameters().setFrom(s.theta());
        TrainerProgress p = s.progress();
        optimizer = newOptimizer(s, p.optimizerSteps());
        if (average != null) {
          average.restore(
              new AverageState<>(
                  s.averageAccumulator(),
                  p.averageWeightSum(),
                  p.averageSnapshotIndex(),
                  p.averageCycles()));
        } else {
          s.averageAccumulator().ifPresent(ParameterSet::close);
        }
        updates = p.updates();
        clips = p.clips();
        lastCheckpoint = p.lastCheckpoint();
        offsets = new OffsetTracker(p.offsets());
        LOG.info(
            "resumed trainer state at update {} ({} clips), offsets {}",
            updates,
            clips,
            p.offsets());
      }
    } else {
      optimizer = newOptimizer(null, 0);
      if (average != null) {
        average.begin(model.parameters());
      }
      offsets = new OffsetTracker(Map.of());
      LOG.info("no trainer state in {}: starting fresh", stateStore.directory());
    }
    return offsets.resumeOffsets();
  }

  private MetaOptimizer newOptimizer(TrainerState s, long step) {
    if (settings.method().isMeta()) {
      return s == null
          ? new OpenMeDeOptimizer(model, settings.optimizer())
          : new OpenMeDeOptimizer(model, settings.optimizer(), s.adamw(), step);
    }
    return s == null
        ? new PlainFineTuning(model, settings.optimizer())
        : new PlainFineTuning(model, settings.optimizer(), s.adamw(), step);
  }

  private WeightAverage<ParameterSet> newAverage() {
    return switch (settings.method()) {
      case OPEN_MEDE ->
          new GaussianWeightAverage<>(
              ParameterSetAlgebra.INSTANCE,
              settings.gwaMu(),
              settings.gwaSigma(),
              settings.cycleSnapshots(),
              settings.snapshotInterval(),
              settings.includeInitial());
      case PLAIN_SWA ->
          new StochasticWeightAverage<>(
              ParameterSetAlgebra.INSTANCE, settings.cycleSnapshots(), settings.snapshotInterval());
      case PLAIN_EMA ->
          new ExponentialMovingAverage<>(
              ParameterSetAlgebra.INSTANCE, settings.emaDecay(), publishInterval());
      default -> null;
    };
  }

  private long publishInterval() {
    return (long) settings.snapshotInterval() * settings.cycleSnapshots();
  }

  /** Handles the next record of the stream. */
  public void accept(RawClipRecord r) throws IOException {
    if (optimizer == null) {
      throw new IllegalStateException("call start() before accept()");
    }
    if (r.value() == null) {
      refuse(
          r,
          "record has no value (null); expected a LabeledClip",
          "java.lang.IllegalArgumentException");
      return;
    }
    LabeledClip value;
    try {
      value = valueDecoder.apply(r);
    } catch (RuntimeException e) {
      refuse(r, "malformed record: " + e.getMessage(), e.getClass().getName());
      return;
    }
    DecodedClip clip;
    try {
      clip = decoder.decode(value);
    } catch (ClipRejectedException e) {
      refuse(r, e.getMessage(), e.getClass().getName());
      return;
    } catch (RuntimeException e) {
      refuse(r, "clip could not be decoded: " + e, e.getClass().getName());
      return;
    }
    boolean feedback = Identifiers.isFeedbackClip(clip.clipId());
    if (feedback) {
      feedbackClips++;
    }
    if (!ClipDecoder.TRAIN_SPLIT.equals(clip.split())) {
      Optional<String> conflict = videoConflict(clip);
      if (conflict.isPresent()) {
        refuse(r, conflict.get(), ClipRejectedException.class.getName());
        return;
      }
    }
    if (Identifiers.FEEDBACK_EVAL_SPLIT.equals(clip.split())) {
      if (feedbackHeldOut.containsKey(clip.clipId())
          || feedbackHeldOut.size() < settings.heldOutClips()) {
        feedbackHeldOut.put(clip.clipId(), clip);
      }
      offsets.handled(r.partition(), r.offset());
      return;
    }
    if (!ClipDecoder.TRAIN_SPLIT.equals(clip.split())) {
      if (heldOut.size() < settings.heldOutClips()) {
        heldOut.add(clip);
      }
      offsets.handled(r.partition(), r.offset());
      return;
    }
    int copies = 1;
    if (feedback) {
      if (clip.label().equals(feedbackTrained.put(clip.clipId(), clip.label()))) {
        feedbackRepeats++;
        LOG.info(
            "feedback clip {} seen before with the same label: not trained again", clip.clipId());
        offsets.handled(r.partition(), r.offset());
        return;
      }
      copies = settings.feedbackOversample();
    }
    offsets.waiting(r.partition(), r.offset());
    for (int i = 0; i < copies; i++) {
      Optional<List<SupportQueryPair<DecodedClip>>> tasks = pairer.offer(clip);
      if (tasks.isPresent()) {
        train(tasks.get());
        if (i + 1 < copies) {
          // the remaining copies wait for the next update: resume from this record if it crashes
          offsets.waiting(r.partition(), r.offset());
        }
      }
    }
  }

  /**
   * Why a held-out clip cannot join the views of its video: another held-out clip (not one it
   * replaces) has its video id with another label, and evaluation averages a video's views under
   * one label.
   */
  private Optional<String> videoConflict(DecodedClip clip) {
    Collection<DecodedClip> held =
        Identifiers.FEEDBACK_EVAL_SPLIT.equals(clip.split()) ? feedbackHeldOut.values() : heldOut;
    for (DecodedClip h : held) {
      if (h.videoId().equals(clip.videoId())
          && !h.clipId().equals(clip.clipId())
          && !h.label().equals(clip.label())) {
        return Optional.of(
            "held-out clip "
                + clip.clipId()
                + " of video "
                + clip.videoId()
                + " is labelled '"
                + clip.label()
                + "', but clip "
                + h.clipId()
                + " of the same video is labelled '"
                + h.label()
                + "'; the views of one video must share its label");
      }
    }
    return Optional.empty();
  }

  private void refuse(RawClipRecord r, String reason, String errorClass) {
    deadLettered++;
    LOG.warn("dead letter {}@{}:{}: {}", r.topic(), r.partition(), r.offset(), reason);
    deadLetters.send(
        new DeadLetterSink.Refused(
            r.topic(),
            OptionalInt.of(r.partition()),
            OptionalLong.of(r.offset()),
            r.key(),
            r.value(),
            reason,
            errorClass));
    offsets.handled(r.partition(), r.offset());
  }

  private void train(List<SupportQueryPair<DecodedClip>> pairs) throws IOException {
    ClassEmbeddings cls = classes.embed(vocabulary.labels());
    lastReport = optimizer.update(BatchAssembler.tasks(pairs, model.resolution(), cls));
    offsets.trainedAllWaiting();
    updates++;
    clips += lastReport.clips();
    Optional<ParameterSet> toPublish;
    if (average != null) {
      toPublish = average.afterUpdate(updates, model.parameters());
    } else {
      toPublish =
          updates % publishInterval() == 0
              ? Optional.of(model.parameters().copy())
              : Optional.empty();
    }
    if (toPublish.isPresent()) {
      try (ParameterSet p = toPublish.get()) {
        publish(p, average != null);
      }
    }
    if (updates % settings.stateInterval() == 0) {
      saveState();
    }
    List<String> ids = new ArrayList<>();
    for (SupportQueryPair<DecodedClip> p : pairs) {
      p.support().forEach(c -> ids.add(c.clipId()));
      p.query().forEach(c -> ids.add(c.clipId()));
    }
    listener.afterUpdate(updates, ids, lastReport);
  }

  private void publish(ParameterSet weights, boolean averaged) throws IOException {
    String suffix = averaged ? "-" + settings.method().summaryName() : "";
    String version = String.format("%s-u%09d%s", settings.modelName(), updates, suffix);
    Map<String, Double> metrics = new LinkedHashMap<>();
    if (settings.evaluate() && !heldOut.isEmpty()) {
      metrics.putAll(evaluate(Optional.empty()).metrics("eval"));
      if (averaged) {
        metrics.putAll(evaluate(Optional.of(weights)).metrics(averagePrefix()));
      }
    }
    if (settings.evaluate() && !feedbackHeldOut.isEmpty()) {
      metrics.putAll(evaluateFeedback(Optional.empty()).metrics("eval.feedback"));
      if (averaged) {
        metrics.putAll(
            evaluateFeedback(Optional.of(weights)).metrics(averagePrefix() + ".feedback"));
      }
    }
    if (!metrics.isEmpty()) {
      LOG.info("evaluation at update {}: {}", updates, metrics);
    }
    if (publisher.isEmpty()) {
      LOG.info("no checkpoint publisher: skipping checkpoint {}", version);
      return;
    }
    Optional<String> parent = lastCheckpoint.or(() -> initialParent);
    try {
      publisher
          .get()
          .publish(
              version,
              file -> withParameters(weights, () -> model.saveWeights(file)),
              parent,
              summary(),
              metrics);
      LOG.info("published checkpoint {}", version);
    } catch (CheckpointExistsException e) {
      // published before a crash, state not yet saved: the version exists already
      LOG.warn("checkpoint {} not published again: {}", version, e.getMessage());
    }
    lastCheckpoint = Optional.of(version);
  }

  /** Something to run while the live parameters hold other values. */
  @FunctionalInterface
  private interface IoAction {
    void run() throws IOException;
  }

  private void withParameters(ParameterSet values, IoAction action) throws IOException {
    ParameterSet live = model.parameters();
    try (ParameterSet saved = live.copy()) {
      live.setFrom(values);
      try {
        action.run();
      } finally {
        live.setFrom(saved);
      }
    }
  }

  private String averagePrefix() {
    return settings.method() == TrainingMethod.OPEN_MEDE ? "eval.gwa" : "eval.avg";
  }

  /** Evaluates θ (empty) or the given weights on the held-out clips. */
  public EvaluationResult evaluate(Optional<ParameterSet> weights) throws IOException {
    return evaluate(weights, heldOut);
  }

  /**
   * Evaluates θ (empty) or the given weights on the held-out feedback clips (split {@code
   * feedback-eval}), ranked over the training vocabulary and their labels.
   */
  public EvaluationResult evaluateFeedback(Optional<ParameterSet> weights) throws IOException {
    return evaluate(weights, List.copyOf(feedbackHeldOut.values()));
  }

  private EvaluationResult evaluate(Optional<ParameterSet> weights, List<DecodedClip> clips)
      throws IOException {
    LinkedHashSet<String> labels = new LinkedHashSet<>(vocabulary.labels());
    clips.forEach(c -> labels.add(c.label()));
    ClassEmbeddings cls = classes.embed(List.copyOf(labels));
    EvaluationResult[] out = new EvaluationResult[1];
    IoAction run =
        () ->
            out[0] =
                Evaluator.evaluate(
                    model::embedVideos,
                    clips,
                    cls,
                    vocabulary.labels(),
                    model.logitScale(),
                    model.resolution(),
                    settings.optimizer().batchSize());
    if (weights.isPresent()) {
      withParameters(weights.get(), run);
    } else {
      run.run();
    }
    return out[0];
  }

  private TrainingSummary summary() {
    Map<String, Long> off = new LinkedHashMap<>();
    offsets.resumeOffsets().forEach((k, v) -> off.put(Integer.toString(k), v));
    double beta = settings.optimizer().schedule().at(Math.max(0, optimizer.step() - 1));
    return TrainingSummary.newBuilder()
        .setMethod(settings.method().summaryName())
        .setUpdates(updates)
        .setClips(clips)
        .setOffsets(off)
        .setMu(settings.gwaMu())
        .setSigma(settings.gwaSigma())
        .setCycleSnapshots(settings.cycleSnapshots())
        .setSnapshotInterval(settings.snapshotInterval())
        .setAlpha(settings.method().isMeta() ? settings.optimizer().innerStep().alpha(beta) : 0)
        .setBeta(beta)
        .setDelta(settings.optimizer().delta())
        .build();
  }

  /** Saves the whole state atomically (θ, AdamW, average, counters, resume offsets). */
  public void saveState() throws IOException {
    AverageState<ParameterSet> a =
        average == null ? new AverageState<>(Optional.empty(), 0, 0, 0) : average.state();
    TrainerProgress p =
        new TrainerProgress(
            updates,
            optimizer.step(),
            clips,
            offsets.resumeOffsets(),
            a.weightSum(),
            a.snapshotIndex(),
            a.cycles(),
            lastCheckpoint);
    stateStore.save(model.parameters(), optimizer.adamw(), a.accumulator(), p);
    LOG.debug("saved trainer state at update {}", updates);
  }

  /** Counters and positions now. */
  public TrainerProgress progress() {
    AverageState<ParameterSet> a =
        average == null ? new AverageState<>(Optional.empty(), 0, 0, 0) : average.state();
    return new TrainerProgress(
        updates,
        optimizer == null ? 0 : optimizer.step(),
        clips,
        offsets == null ? Map.of() : offsets.resumeOffsets(),
        a.weightSum(),
        a.snapshotIndex(),
        a.cycles(),
        lastCheckpoint);
  }

  /** Whether trainer.stop-after-updates is reached. */
  public boolean finished() {
    return settings.stopAfterUpdates().isPresent() && updates >= settings.stopAfterUpdates().get();
  }

  /** The last update's report, if any. */
  public Optional<UpdateReport> lastReport() {
    return Optional.ofNullable(lastReport);
  }

  /** Records refused so far in this run. */
  public long deadLettered() {
    return deadLettered;
  }

  /** The training vocabulary. */
  public TrainingVocabulary vocabulary() {
    return vocabulary;
  }

  /** Held-out clips kept for evaluation. */
  public List<DecodedClip> heldOut() {
    return List.copyOf(heldOut);
  }

  /** Held-out feedback clips kept for evaluation, one per window. */
  public List<DecodedClip> feedbackHeldOut() {
    return List.copyOf(feedbackHeldOut.values());
  }

  /** Feedback clips (clip id {@code feedback:...}) read in this run, held out or not. */
  public long feedbackClips() {
    return feedbackClips;
  }

  /** Feedback training clips not trained again because they repeated a window and its label. */
  public long feedbackRepeats() {
    return feedbackRepeats;
  }

  /** Snapshot position in the current averaging cycle, as "t/R". */
  public String cyclePosition() {
    if (average == null) {
      return (updates % publishInterval()) + "/" + publishInterval() + " updates";
    }
    return average.state().snapshotIndex() + "/" + settings.cycleSnapshots();
  }

  /** Frees the optimizer state and the average. */
  @Override
  public void close() {
    if (optimizer != null) {
      optimizer.close();
    }
    if (average != null) {
      average.close();
    }
  }
}
