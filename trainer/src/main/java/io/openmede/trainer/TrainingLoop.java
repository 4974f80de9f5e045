package io.openmede.trainer;

import io.openmede.model.ClassEmbeddings;
import io.openmede.model.ImagePreprocessor;
import io.openmede.model.openset.KnownRegion;
import io.openmede.model.openset.OpenSetCalibration;
import io.openmede.model.openset.OpenSetScore;
import io.openmede.model.train.ParameterSet;
import io.openmede.schemas.avro.CheckpointStatus;
import io.openmede.schemas.avro.GateDecision;
import io.openmede.schemas.avro.KnownRegionReferences;
import io.openmede.schemas.avro.LabeledClip;
import io.openmede.schemas.avro.LearnedBackgroundClass;
import io.openmede.schemas.avro.OpenSetThresholds;
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
import io.openmede.trainer.eval.HeldOutClips;
import io.openmede.trainer.eval.HeldOutEvaluation;
import io.openmede.trainer.gate.PairedOutcome;
import io.openmede.trainer.gate.PromotionRule;
import io.openmede.trainer.gate.ServedVersion;
import io.openmede.trainer.meta.InnerStep;
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
import io.openmede.trainer.stream.FeedbackRepeats;
import io.openmede.trainer.stream.OffsetTracker;
import io.openmede.trainer.stream.RawClipRecord;
import io.openmede.trainer.stream.SupportQueryPair;
import io.openmede.trainer.stream.SupportQueryPairer;
import io.openmede.trainer.stream.TrainingVocabulary;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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

  /** The split of held-out clips whose labels are not trained on: the gate's zero-shot guard. */
  public static final String GUARD_SPLIT = io.openmede.trainer.eval.Evaluator.NOVEL;

  private static final Logger LOG = LoggerFactory.getLogger(TrainingLoop.class);

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
  private final HeldOutClips heldOut;
  private final HeldOutEvaluation evaluation;
  private final FeedbackRepeats feedbackRepeats = new FeedbackRepeats();
  private final List<DecodedClip> guardList = new ArrayList<>();
  private final Optional<String> initialParent;
  private OffsetTracker offsets;
  private MetaOptimizer optimizer;
  private WeightAverage<ParameterSet> average;
  private long updates;
  private long clips;
  private long deadLettered;
  private long feedbackClips;
  private long skippedSteps;
  private long nonFiniteCheckpoints;
  private Optional<String> lastCheckpoint = Optional.empty();
  private ParameterSet servingWeights;
  private Optional<String> servingVersion = Optional.empty();
  private Optional<String> lastPromoted = Optional.empty();
  private long promoted;
  private long heldBack;
  private Optional<PromotionRule.Verdict> lastVerdict = Optional.empty();
  private UpdateReport lastReport;
  private UpdateListener listener = (u, ids, report) -> {};
  private ServedVersion served = ServedVersion.UNKNOWN;

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

  /**
   * Tells the gate what the recognizers serve ({@link ServedVersion}, asked before each judgement):
   * when an operator promoted or rolled back to another version than the trainer's last promoted
   * one, the next candidate is compared with that version, its weights read back from the
   * checkpoint store. Without it the baseline is the trainer's last promoted checkpoint.
   */
  public void setServedVersion(ServedVersion served) {
    this.served = served;
  }

  /** Sets the update listener (called on the loop's thread). */
  public void setUpdateListener(UpdateListener listener) {
    this.listener = listener;
  }

  /**
   * Where the loop's products go.
   *
   * @param deadLetters refused records
   * @param publisher averaged (or plain) checkpoints at each cycle's end; empty: none published
   * @param stateStore the loop's own state (θ, AdamW, average, counters, offsets), saved every K
   *     updates and loaded by {@link #start()}
   */
  public record Outputs(
      DeadLetterSink deadLetters,
      Optional<CheckpointPublisher> publisher,
      TrainerStateStore stateStore) {}

  /**
   * @param valueDecoder bytes to clip; throws a RuntimeException (e.g. {@code BadRecordException})
   *     for a malformed record
   * @param initialParent the version of the starting weights, if known
   */
  public TrainingLoop(
      TrainerSettings settings,
      TrainableModel model,
      ClassEmbeddingProvider classes,
      Outputs outputs,
      Function<RawClipRecord, LabeledClip> valueDecoder,
      Optional<String> initialParent) {
    this.settings = settings;
    this.model = model;
    this.classes = classes;
    this.deadLetters = outputs.deadLetters();
    this.publisher = outputs.publisher();
    this.stateStore = outputs.stateStore();
    this.heldOut = new HeldOutClips(settings.heldOutClips());
    this.valueDecoder = valueDecoder;
    this.initialParent = initialParent;
    this.vocabulary =
        settings.vocabulary().isEmpty()
            ? TrainingVocabulary.open(List.of(), settings.maxLabels())
            : TrainingVocabulary.fixed(settings.vocabulary());
    this.evaluation =
        new HeldOutEvaluation(model, classes, vocabulary, settings.optimizer().batchSize());
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
    // the gate's baseline until this trainer promotes one: the weights it started from; after a
    // restart, the last promoted checkpoint, read back from the store below
    servingWeights = model.parameters().copy();
    servingVersion = initialParent;
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
        lastPromoted = p.lastPromoted();
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
    if (lastPromoted.isPresent() && publisher.isPresent()) {
      if (readBackServing(lastPromoted.get())) {
        LOG.info(
            "the gate compares with the last promoted checkpoint {} (read back)",
            lastPromoted.get());
      } else {
        LOG.warn(
            "the gate compares with the starting weights ({}) until it promotes another",
            initialParent.orElse("unnamed"));
      }
    }
    return offsets.resumeOffsets();
  }

  /**
   * Makes the gate's baseline the checkpoint {@code version}, its weights read back from the
   * checkpoint store (and checked against their digest); when they cannot be, the baseline stays as
   * it was, and the reason is logged.
   *
   * @return whether the baseline is now {@code version}
   */
  private boolean readBackServing(String version) throws IOException {
    if (publisher.isEmpty()) {
      return false;
    }
    java.nio.file.Path tmp =
        java.nio.file.Files.createTempFile(stateStore.directory(), ".serving-", ".safetensors");
    try {
      if (!publisher.get().readBack(version, tmp)) {
        LOG.warn("checkpoint {} is not in the checkpoint store", version);
        return false;
      }
      try (ParameterSet all = ParameterSet.load(tmp, model.parameters().device())) {
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (String n : model.parameters().names()) {
          if (!all.names().contains(n)) {
            throw new IOException(
                "checkpoint " + version + " lacks parameter " + n + " of the trained model");
          }
          values.put(n, all.values(n));
          shapes.put(n, all.shape(n));
        }
        try (ParameterSet trained =
            ParameterSet.fromArrays(values, shapes, model.parameters().device())) {
          servingWeights.setFrom(trained);
        }
      }
      servingVersion = Optional.of(version);
      return true;
    } catch (IOException | RuntimeException e) {
      LOG.warn("checkpoint {} could not be read back ({})", version, e.getMessage());
      return false;
    } finally {
      java.nio.file.Files.deleteIfExists(tmp);
    }
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

  /**
   * Handles the next record of the stream: decodes it (or dead-letters it), holds it out for
   * evaluation or trains on it, as its split says.
   */
  public void accept(RawClipRecord r) throws IOException {
    if (optimizer == null) {
      throw new IllegalStateException("call start() before accept()");
    }
    Optional<DecodedClip> decoded = decode(r);
    if (decoded.isEmpty()) {
      return;
    }
    DecodedClip clip = decoded.get();
    boolean feedback = Identifiers.isFeedbackClip(clip.clipId());
    if (feedback) {
      feedbackClips++;
    }
    if (!ClipDecoder.TRAIN_SPLIT.equals(clip.split())) {
      holdOut(r, clip);
    } else if (feedback && feedbackRepeats.repeat(clip)) {
      LOG.info(
          "feedback clip {} seen before with the same label: not trained again", clip.clipId());
      offsets.handled(r.partition(), r.offset());
    } else {
      trainOn(r, clip, feedback ? settings.feedbackOversample() : 1);
    }
  }

  /**
   * Adds the guard list's clips (decoded once at start, {@code trainer.guard.list}) to the gate's
   * guard set, beside the stream's held-out novel clips.
   *
   * @return one line per clip that could not be decoded, with the reason (the rest is kept)
   */
  public List<String> addGuardClips(List<LabeledClip> guard) {
    List<String> problems = new ArrayList<>();
    for (LabeledClip c : guard) {
      try {
        guardList.add(decoder.decode(c));
      } catch (ClipRejectedException | RuntimeException e) {
        problems.add("guard clip " + c.getClipId() + ": " + e.getMessage());
      }
    }
    return problems;
  }

  /** The guard list's clips kept for the gate. */
  public List<DecodedClip> guardListClips() {
    return List.copyOf(guardList);
  }

  /** The clip of {@code r}, or empty when it was refused (and dead-lettered). */
  private Optional<DecodedClip> decode(RawClipRecord r) {
    if (r.value() == null) {
      refuse(
          r,
          "record has no value (null); expected a LabeledClip",
          "java.lang.IllegalArgumentException");
      return Optional.empty();
    }
    LabeledClip value;
    try {
      value = valueDecoder.apply(r);
    } catch (RuntimeException e) {
      if (io.openmede.schemas.registry.SchemaRegistryException.transientIn(e)) {
        throw e; // the registry's absence (the trainer closing during an outage): never a dead
        // letter
      }
      refuse(r, "malformed record: " + e.getMessage(), e.getClass().getName());
      return Optional.empty();
    }
    try {
      return Optional.of(decoder.decode(value));
    } catch (ClipRejectedException e) {
      refuse(r, e.getMessage(), e.getClass().getName());
    } catch (RuntimeException e) {
      refuse(r, "clip could not be decoded: " + e, e.getClass().getName());
    }
    return Optional.empty();
  }

  /** Keeps a clip of a held-out split for evaluation, or refuses it ({@link HeldOutClips}). */
  private void holdOut(RawClipRecord r, DecodedClip clip) {
    Optional<String> conflict = heldOut.offer(clip);
    if (conflict.isPresent()) {
      refuse(r, conflict.get(), ClipRejectedException.class.getName());
    } else {
      offsets.handled(r.partition(), r.offset());
    }
  }

  /** Offers {@code copies} of a training clip to the pairer, training whenever tasks are full. */
  private void trainOn(RawClipRecord r, DecodedClip clip, int copies) throws IOException {
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
    if (lastReport.skippedSteps() > 0) {
      skippedSteps += lastReport.skippedSteps();
      LOG.warn(
          "update {}: {} optimizer step(s) skipped: loss {} or gradient norm {} is not finite;"
              + " θ and the AdamW moments are unchanged (if this repeats, lower trainer.lr.peak"
              + " or set trainer.max-grad-norm)",
          updates,
          lastReport.skippedSteps(),
          lastReport.loss(),
          lastReport.gradientNorm());
    }
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
    double norm = weights.globalNorm();
    if (!Double.isFinite(norm)) {
      // a diverged model would make every probability NaN on every camera: never store it
      nonFiniteCheckpoints++;
      LOG.error(
          "checkpoint {} not stored: its weights are not finite (norm {}); the trainer has"
              + " diverged; lower trainer.lr.peak or set trainer.max-grad-norm",
          version,
          norm);
      return;
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    if (settings.evaluate() && !heldOut.stream().isEmpty()) {
      metrics.putAll(evaluate(Optional.empty()).metrics("eval"));
      if (averaged) {
        metrics.putAll(evaluate(Optional.of(weights)).metrics(averagePrefix()));
      }
    }
    if (settings.evaluate() && !heldOut.feedback().isEmpty()) {
      metrics.putAll(evaluateFeedback(Optional.empty()).metrics("eval.feedback"));
      if (averaged) {
        metrics.putAll(
            evaluateFeedback(Optional.of(weights)).metrics(averagePrefix() + ".feedback"));
      }
    }
    List<OpenSetThresholds> openSet = List.of();
    Optional<KnownRegionReferences> knownRegion = Optional.empty();
    if (settings.evaluate() && !heldOut.stream().isEmpty()) {
      HeldOutEvaluation.OpenSetFit fit =
          evaluation.fitOpenSet(
              averaged ? Optional.of(weights) : Optional.empty(),
              heldOut.stream(),
              heldOut.negatives(),
              settings.openSet());
      openSet = openSetThresholds(fit, metrics);
      knownRegion = fit.region().map(TrainingLoop::knownRegion);
    }
    if (!metrics.isEmpty()) {
      LOG.info("evaluation at update {}: {}", updates, metrics);
    }
    if (publisher.isEmpty()) {
      LOG.info("no checkpoint publisher: skipping checkpoint {}", version);
      return;
    }
    Optional<String> parent = lastCheckpoint.or(() -> initialParent);
    Optional<CheckpointPublisher.Judged> judged = judge(version, weights);
    try {
      publisher
          .get()
          .publish(
              version,
              file ->
                  model.withParameters(
                      weights,
                      () -> {
                        model.saveWeights(file);
                        return null;
                      }),
              parent,
              summary(),
              metrics,
              openSet,
              knownRegion,
              judged);
      LOG.info("published checkpoint {}", version);
    } catch (CheckpointExistsException e) {
      // published before a crash, state not yet saved: the version exists already
      LOG.warn("checkpoint {} not published again: {}", version, e.getMessage());
    }
    lastCheckpoint = Optional.of(version);
    if (judged.isEmpty() || judged.get().status() == CheckpointStatus.PROMOTED) {
      servingWeights.setFrom(weights);
      servingVersion = Optional.of(version);
      lastPromoted = Optional.of(version);
    }
  }

  /**
   * The gate: the candidate and the serving weights on the same held-out videos (base, feedback,
   * and the guard set: held-out clips of split 'novel', labels not trained on, zero-shot), judged
   * by the {@link PromotionRule}. Empty when the gate is off.
   */
  private Optional<CheckpointPublisher.Judged> judge(String version, ParameterSet candidate)
      throws IOException {
    if (settings.gate().isEmpty()) {
      promoted++;
      return Optional.empty();
    }
    followServed();
    List<DecodedClip> base = new ArrayList<>();
    List<DecodedClip> guard = new ArrayList<>();
    for (DecodedClip c : heldOut.stream()) {
      (GUARD_SPLIT.equals(c.split()) ? guard : base).add(c);
    }
    guard.addAll(guardList);
    List<PairedOutcome> sets =
        List.of(
            paired("base", candidate, base, false),
            paired("feedback", candidate, heldOut.feedback(), false),
            paired("guard", candidate, guard, true));
    PromotionRule.Verdict v = settings.gate().get().decide(sets);
    lastVerdict = Optional.of(v);
    if (v.promoted()) {
      promoted++;
    } else {
      heldBack++;
    }
    LOG.info(
        "checkpoint {} {} against {}: {}",
        version,
        v.promoted() ? "PROMOTED" : "HELD BACK",
        servingVersion.orElse("the initial weights"),
        v.reason());
    return Optional.of(
        new CheckpointPublisher.Judged(
            v.promoted() ? CheckpointStatus.PROMOTED : CheckpointStatus.HELD_BACK,
            GateDecision.newBuilder()
                .setServingVersion(servingVersion.orElse(null))
                .setReason(v.reason())
                .setFigures(new LinkedHashMap<>(v.figures()))
                .build()));
  }

  /**
   * Makes the gate's baseline what the recognizers serve, when that is another version than the
   * baseline (an operator promoted or rolled back to it); when it cannot be told or read back, the
   * baseline stays.
   */
  private void followServed() throws IOException {
    Optional<String> now;
    try {
      now = served.now();
    } catch (RuntimeException e) {
      LOG.warn(
          "cannot tell which checkpoint the recognizers serve ({}): the gate compares with {}",
          e.getMessage(),
          servingVersion.orElse("the initial weights"));
      return;
    }
    if (now.isEmpty() || now.equals(servingVersion)) {
      return;
    }
    String was = servingVersion.orElse("the initial weights");
    if (readBackServing(now.get())) {
      LOG.info(
          "the recognizers serve {} (an operator's choice), not {}: the gate compares with it",
          now.get(),
          was);
    } else {
      LOG.warn(
          "the recognizers serve {} (an operator's choice), which cannot be read back: the gate"
              + " compares with {}",
          now.get(),
          was);
    }
  }

  private PairedOutcome paired(
      String set, ParameterSet candidate, List<DecodedClip> clips, boolean zeroShot)
      throws IOException {
    Map<String, Boolean> c = evaluation.topOneHits(candidate, clips, zeroShot);
    Map<String, Boolean> s = evaluation.topOneHits(servingWeights, clips, zeroShot);
    boolean[] cand = new boolean[c.size()];
    boolean[] serv = new boolean[c.size()];
    int i = 0;
    for (Map.Entry<String, Boolean> e : c.entrySet()) {
      cand[i] = e.getValue();
      serv[i] = s.get(e.getKey());
      i++;
    }
    return PairedOutcome.of(set, cand, serv);
  }

  /** Checkpoints promoted (or, with the gate off, published) in this run. */
  public long promoted() {
    return promoted;
  }

  /** Checkpoints held back by the gate in this run. */
  public long heldBack() {
    return heldBack;
  }

  /** The gate's last verdict, if it judged any checkpoint in this run. */
  public Optional<PromotionRule.Verdict> lastVerdict() {
    return lastVerdict;
  }

  /**
   * The open-set thresholds of the weights about to be published, for every score kind, fitted on
   * the held-out clips (and negatives); each kind's false alarm rate on the negatives goes into
   * {@code metrics} as {@code openset.<kind>.false-alarms}.
   */
  private List<OpenSetThresholds> openSetThresholds(
      HeldOutEvaluation.OpenSetFit fit, Map<String, Double> metrics) {
    List<OpenSetThresholds> out = new ArrayList<>();
    for (int i = 0; i < fit.calibrations().size(); i++) {
      OpenSetCalibration c = fit.calibrations().get(i);
      double rate = fit.falseAlarmRates().get(i);
      if (!Double.isNaN(rate)) {
        metrics.put("openset." + c.score().text() + ".false-alarms", rate);
      }
      out.add(
          OpenSetThresholds.newBuilder()
              .setScore(c.score().text())
              .setTargetRecall(c.targetRecall())
              .setThresholds(new LinkedHashMap<>(c.thresholds()))
              .setFallback(c.fallback())
              .setWidth(c.width())
              .setBackgroundPrompts(
                  c.score() == OpenSetScore.BACKGROUND
                      ? settings.openSet().background()
                      : List.of())
              .setLearnedBackground(
                  c.learnedBackground()
                      .map(
                          l -> {
                            List<Float> direction = new ArrayList<>(l.dimension());
                            for (float x : l.direction()) {
                              direction.add(x);
                            }
                            return LearnedBackgroundClass.newBuilder()
                                .setDirection(direction)
                                .setBias(l.bias())
                                .build();
                          })
                      .orElse(null))
              .build());
    }
    return out;
  }

  /** A known region as its announcement record. */
  static KnownRegionReferences knownRegion(KnownRegion region) {
    List<List<Float>> references = new ArrayList<>();
    for (float[] r : region.references()) {
      List<Float> values = new ArrayList<>(r.length);
      for (float x : r) {
        values.add(x);
      }
      references.add(values);
    }
    return KnownRegionReferences.newBuilder()
        .setReferences(references)
        .setMinSimilarity(region.minSimilarity())
        .setTargetRecall(region.targetRecall())
        .build();
  }

  private String averagePrefix() {
    return settings.method() == TrainingMethod.OPEN_MEDE ? "eval.gwa" : "eval.avg";
  }

  /** Evaluates θ (empty) or the given weights on the held-out clips. */
  public EvaluationResult evaluate(Optional<ParameterSet> weights) throws IOException {
    return evaluation.evaluate(weights, heldOut.stream());
  }

  /**
   * Evaluates θ (empty) or the given weights on the held-out feedback clips (split {@code
   * feedback-eval}), ranked over the training vocabulary and their labels.
   */
  public EvaluationResult evaluateFeedback(Optional<ParameterSet> weights) throws IOException {
    return evaluation.evaluate(weights, heldOut.feedback());
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
        .setAlpha(settings.method().isMeta() ? lastAlpha(beta) : 0)
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
            lastCheckpoint,
            lastPromoted);
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
        lastCheckpoint,
        lastPromoted);
  }

  /** Whether trainer.stop-after-updates is reached. */
  public boolean finished() {
    return settings.stopAfterUpdates().isPresent() && updates >= settings.stopAfterUpdates().get();
  }

  /** α of the last update; before any, the nominal α (0 when calibrated, as none was taken). */
  private double lastAlpha(double beta) {
    if (lastReport != null) {
      return lastReport.alpha();
    }
    InnerStep inner = settings.optimizer().innerStep();
    return inner.mode() == InnerStep.Mode.CALIBRATED ? 0 : inner.alpha(beta);
  }

  /** The last update's report, if any. */
  public Optional<UpdateReport> lastReport() {
    return Optional.ofNullable(lastReport);
  }

  /** Optimizer steps skipped (in this run) because their loss or gradient was not finite. */
  public long skippedSteps() {
    return skippedSteps;
  }

  /** Checkpoints not stored (in this run) because their weights were not finite. */
  public long nonFiniteCheckpoints() {
    return nonFiniteCheckpoints;
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
    return heldOut.stream();
  }

  /** Held-out feedback clips kept for evaluation, one per window. */
  public List<DecodedClip> feedbackHeldOut() {
    return heldOut.feedback();
  }

  /** Feedback clips (clip id {@code feedback:...}) read in this run, held out or not. */
  public long feedbackClips() {
    return feedbackClips;
  }

  /** Feedback training clips not trained again because they repeated a window and its label. */
  public long feedbackRepeats() {
    return feedbackRepeats.repeats();
  }

  /** Snapshot position in the current averaging cycle, as "t/R". */
  public String cyclePosition() {
    if (average == null) {
      return (updates % publishInterval()) + "/" + publishInterval() + " updates";
    }
    return average.state().snapshotIndex() + "/" + settings.cycleSnapshots();
  }

  /** Frees the optimizer state, the average and the gate's serving weights. */
  @Override
  public void close() {
    if (servingWeights != null) {
      servingWeights.close();
    }
    if (optimizer != null) {
      optimizer.close();
    }
    if (average != null) {
      average.close();
    }
  }
}
