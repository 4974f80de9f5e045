package io.openmede.trainer;

import io.openmede.platform.service.ServiceMetrics;
import io.openmede.trainer.meta.UpdateReport;
import io.openmede.trainer.state.TrainerProgress;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Optional;

/**
 * The trainer's Prometheus metrics, registered in their own {@link PrometheusRegistry} (so that
 * several instances, e.g. in tests, do not collide). They are read from the loop's own counters by
 * {@link #observe(TrainingLoop)}, so the loop needs no knowledge of them. Counters count what this
 * process did since {@link #startFrom(TrainingLoop)} (a resumed trainer does not count its restored
 * updates again); rates come from the counters with PromQL's {@code rate()}.
 *
 * <p>Thread-safe: the loop's thread observes, an exporter's thread scrapes.
 */
public final class TrainerMetrics {

  private final ServiceMetrics metrics = new ServiceMetrics();

  /** Meta-updates (or plain optimizer updates) done. */
  public final Counter updates = metrics.counter("openmede_trainer_updates", "Updates done.");

  /** Clips consumed by updates. */
  public final Counter clips =
      metrics.counter("openmede_trainer_clips", "Clips used for training.");

  /** Clips made from feedback read (trained on, held out, or repeats). */
  public final Counter feedbackClips =
      metrics.counter(
          "openmede_trainer_feedback_clips",
          "Clips made from feedback (clip id feedback:...) read, trained on or held out.");

  /** Records refused and sent to the dead-letter topic. */
  public final Counter deadLetters =
      metrics.counter("openmede_trainer_dead_letters", "Records sent to the dead-letter topic.");

  /** Checkpoints published (stored and announced). */
  public final Counter checkpointsPublished =
      metrics.counter("openmede_trainer_checkpoints_published", "Checkpoints published.");

  /** Optimizer steps skipped because their loss or gradient was not finite. */
  public final Counter skippedSteps =
      metrics.counter(
          "openmede_trainer_skipped_steps",
          "Optimizer steps skipped because their loss or gradient was not finite (never applied).");

  /** Checkpoints by what became of them (non-finite: never stored). */
  public final Counter checkpoints =
      metrics.counter(
          "openmede_trainer_checkpoints",
          "Checkpoints by status: promoted, held-back, or non-finite (never stored).",
          "status");

  /** The gate's figures of the last judged checkpoint, by name (base.candidate.top1, ...). */
  public final Gauge gateFigures =
      metrics.gauge(
          "openmede_trainer_gate_figure",
          "The gate's figures of the last judged checkpoint: per clip set (base, feedback, guard)"
              + " videos, candidate and serving top-1, discordant videos, McNemar p-value.",
          "figure");

  /** Mean training loss of the last update. */
  public final Gauge loss =
      metrics.gauge("openmede_trainer_loss", "Mean training loss of the last update.");

  /** β, the outer (AdamW) learning rate of the last update. */
  public final Gauge learningRate =
      metrics.gauge(
          "openmede_trainer_learning_rate", "Outer (AdamW) learning rate β of the last update.");

  /** α, the inner step of the last update (0 for plain fine-tuning). */
  public final Gauge alpha =
      metrics.gauge("openmede_trainer_alpha", "Inner step α of the last update; 0 without one.");

  /** Global L2 norm of the last gradient before clipping. */
  public final Gauge gradientNorm =
      metrics.gauge(
          "openmede_trainer_gradient_norm", "Global L2 norm of the last gradient (unclipped).");

  /** Snapshots taken in the current averaging cycle (t of t/R). */
  public final Gauge snapshotIndex =
      metrics.gauge(
          "openmede_trainer_gwa_snapshot_index",
          "Snapshots taken in the current averaging cycle (t of t/R).");

  /** Averaging cycles completed. */
  public final Gauge cycles =
      metrics.gauge(
          "openmede_trainer_gwa_cycles", "Averaging cycles completed (in total, restored too).");

  /** The version of the last published checkpoint. */
  public final Info lastCheckpoint =
      metrics.info(
          "openmede_trainer_checkpoint", "The last checkpoint version published.", "version");

  private long seenUpdates;
  private long seenClips;
  private long seenDeadLetters;
  private long seenFeedback;
  private long seenSkipped;
  private long seenNonFinite;
  private long seenPromoted;
  private long seenHeldBack;
  private Optional<String> seenCheckpoint = Optional.empty();

  /** The registry holding these metrics (for an exporter). */
  public PrometheusRegistry registry() {
    return metrics.registry();
  }

  /**
   * Takes the loop's counters (after {@link TrainingLoop#start()}, e.g. restored from a saved
   * state) as the baseline, without counting them.
   */
  public synchronized void startFrom(TrainingLoop loop) {
    TrainerProgress p = loop.progress();
    seenUpdates = p.updates();
    seenClips = p.clips();
    seenDeadLetters = loop.deadLettered();
    seenFeedback = loop.feedbackClips();
    seenSkipped = loop.skippedSteps();
    seenNonFinite = loop.nonFiniteCheckpoints();
    seenPromoted = loop.promoted();
    seenHeldBack = loop.heldBack();
    seenCheckpoint = p.lastCheckpoint();
    seenCheckpoint.ifPresent(lastCheckpoint::setLabelValues);
    observeGauges(p, loop.lastReport());
  }

  /**
   * Brings the metrics up to date with the loop: counts what happened since the last observation
   * and sets the gauges. Cheap; call it after every record on the loop's thread.
   */
  public synchronized void observe(TrainingLoop loop) {
    TrainerProgress p = loop.progress();
    updates.inc(Math.max(0, p.updates() - seenUpdates));
    clips.inc(Math.max(0, p.clips() - seenClips));
    long dead = loop.deadLettered();
    deadLetters.inc(Math.max(0, dead - seenDeadLetters));
    seenUpdates = p.updates();
    seenClips = p.clips();
    seenDeadLetters = dead;
    feedbackClips.inc(Math.max(0, loop.feedbackClips() - seenFeedback));
    seenFeedback = loop.feedbackClips();
    skippedSteps.inc(Math.max(0, loop.skippedSteps() - seenSkipped));
    seenSkipped = loop.skippedSteps();
    long nonFinite = loop.nonFiniteCheckpoints();
    if (nonFinite > seenNonFinite) {
      checkpoints.labelValues("non-finite").inc(nonFinite - seenNonFinite);
    }
    seenNonFinite = nonFinite;
    if (loop.promoted() > seenPromoted) {
      checkpoints.labelValues("promoted").inc(loop.promoted() - seenPromoted);
    }
    seenPromoted = loop.promoted();
    if (loop.heldBack() > seenHeldBack) {
      checkpoints.labelValues("held-back").inc(loop.heldBack() - seenHeldBack);
    }
    seenHeldBack = loop.heldBack();
    loop.lastVerdict()
        .ifPresent(v -> v.figures().forEach((k, x) -> gateFigures.labelValues(k).set(x)));
    if (p.lastCheckpoint().isPresent() && !p.lastCheckpoint().equals(seenCheckpoint)) {
      checkpointsPublished.inc();
      lastCheckpoint.setLabelValues(p.lastCheckpoint().get());
      seenCheckpoint = p.lastCheckpoint();
    }
    observeGauges(p, loop.lastReport());
  }

  private void observeGauges(TrainerProgress p, Optional<UpdateReport> report) {
    snapshotIndex.set(p.averageSnapshotIndex());
    cycles.set(p.averageCycles());
    report.ifPresent(
        r -> {
          loss.set(r.loss());
          learningRate.set(r.beta());
          alpha.set(r.alpha());
          gradientNorm.set(r.gradientNorm());
        });
  }
}
