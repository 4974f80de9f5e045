package io.openmede.trainer;

import io.openmede.model.ComputeDevice;
import io.openmede.model.openset.ThresholdScope;
import io.openmede.model.train.AdamW;
import io.openmede.schemas.values.FrameLimits;
import io.openmede.schemas.values.InputBounds;
import io.openmede.settings.Setting;
import io.openmede.settings.Settings;
import io.openmede.settings.SettingsException;
import io.openmede.settings.SettingsGroup;
import io.openmede.trainer.eval.OpenSetFitting;
import io.openmede.trainer.meta.InnerStep;
import io.openmede.trainer.meta.LearningRateSchedule;
import io.openmede.trainer.meta.OptimizerSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The trainer's settings, declared once, converted once into this immutable, validated record.
 *
 * @param method training method
 * @param optimizer N, B, α, β schedule, δ, AdamW, clipping
 * @param frames T, frames per clip
 * @param modelPreset architecture preset (for random weights and announcements)
 * @param weights starting weights; empty for random weights from {@code seed}
 * @param seed seed of random starting weights
 * @param device where the model runs
 * @param modelName the model line announced on the checkpoints topic
 * @param vocabulary fixed training vocabulary; empty for every label seen
 * @param gwaMu μ
 * @param gwaSigma σ
 * @param cycleSnapshots R
 * @param snapshotInterval l, updates between snapshots
 * @param includeInitial θ0 in the average
 * @param emaDecay decay of the EMA baseline
 * @param stateDir trainer state directory
 * @param stateInterval K, updates between state saves
 * @param checkpointDir checkpoint store directory
 * @param signingKey the Ed25519 private key that signs each announcement; empty: unsigned
 * @param heldOutClips most held-out clips kept for evaluation (and as many feedback clips)
 * @param feedbackOversample times each training clip made from feedback is used
 * @param evaluate whether to evaluate at each publication
 * @param progressInterval time between progress lines
 * @param stopAfterUpdates stop after this many updates in total; empty to run until stopped
 * @param metricsPort port of the Prometheus endpoint, 0 for none
 * @param maxLabels most labels an open training vocabulary grows to
 * @param frameLimits the largest frames a clip may have (shared setting)
 * @param openSet how each checkpoint's open-set thresholds are fitted on the held-out clips
 * @param gate the rule that promotes or holds back each checkpoint; empty: every checkpoint is
 *     promoted unjudged (trainer.gate.enabled=false)
 * @param guardList a dataset list of guard videos (labels not trained on) decoded once at start for
 *     the gate; empty: only the stream's held-out clips of split novel
 * @param guardBounds limits on what the guard list may make the trainer read
 * @param operatorKeys Ed25519 public key files of the operators whose signed decisions the gate
 *     follows ({@link io.openmede.trainer.gate.ServedVersion}); empty: none
 */
public record TrainerSettings(
    TrainingMethod method,
    OptimizerSettings optimizer,
    int frames,
    String modelPreset,
    Optional<Path> weights,
    long seed,
    ComputeDevice device,
    String modelName,
    List<String> vocabulary,
    double gwaMu,
    double gwaSigma,
    int cycleSnapshots,
    int snapshotInterval,
    boolean includeInitial,
    double emaDecay,
    Path stateDir,
    int stateInterval,
    Path checkpointDir,
    Optional<Path> signingKey,
    int heldOutClips,
    int feedbackOversample,
    boolean evaluate,
    Duration progressInterval,
    Optional<Long> stopAfterUpdates,
    int metricsPort,
    int maxLabels,
    FrameLimits frameLimits,
    OpenSetFitting.Options openSet,
    Optional<io.openmede.trainer.gate.PromotionRule> gate,
    Optional<Path> guardList,
    io.openmede.trainer.eval.GuardList.Bounds guardBounds,
    List<Path> operatorKeys) {

  private static final java.util.regex.Pattern MODEL_NAME_PATTERN =
      java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  /** Hyper-parameter presets. */
  public enum Preset {
    /** Every value from its own setting. */
    CUSTOM,
    /**
     * The paper's ViT-B/16 values (N = 4, B = 8, α = β from 3.33e-6 to 3.33e-8 on a cosine after 2
     * warm-up epochs, δ = 1.67e-3, AdamW); settings given explicitly still win.
     */
    PAPER_VIT_B_16
  }

  /** Alpha modes. */
  public enum AlphaMode {
    /** α = β(step), as the paper. */
    TIED,
    /** α = trainer.alpha. */
    FIXED,
    /** α = β·‖Δθ_outer‖/β / ‖gS‖: θ' moves as far as an outer step (a deviation from the paper). */
    CALIBRATED
  }

  public static final Setting<TrainingMethod> METHOD =
      Setting.choice(
          "trainer.method",
          TrainingMethod.class,
          TrainingMethod.OPEN_MEDE,
          "Training method: open-mede (meta-update + GWA), open-mede-no-gwa, plain (one AdamW step"
              + " per batch), plain-ema or plain-swa (averaging baselines).");
  public static final Setting<Preset> PRESET =
      Setting.choice(
          "trainer.preset",
          Preset.class,
          Preset.CUSTOM,
          "Hyper-parameter preset: custom, or paper-vit-b-16 (the paper's values; explicit settings"
              + " still win).");
  public static final Setting<Integer> TASKS =
      Setting.integer("trainer.tasks-per-update", 4, 1, 1024, "N: tasks per meta-update.");
  public static final Setting<Integer> BATCH =
      Setting.integer("trainer.batch-size", 8, 1, 4096, "B: clips per support or query batch.");
  public static final Setting<Integer> FRAMES =
      Setting.integer("trainer.frames", 8, 1, 256, "T: frames every labeled clip must have.");
  public static final Setting<Double> DELTA =
      Setting.decimal(
          "trainer.delta",
          OptimizerSettings.PAPER_DELTA,
          0,
          1e6,
          "δ: weight of the query gradient (paper text 1.67e-3; Eq. 8 reads as 1).");
  public static final Setting<AlphaMode> ALPHA_MODE =
      Setting.choice(
          "trainer.alpha.mode",
          AlphaMode.class,
          AlphaMode.TIED,
          "tied: α = β(step) as in the paper; fixed: α = trainer.alpha; calibrated: α chosen"
              + " from ‖gS‖ so that θ' moves as far as the last outer AdamW step (a deviation from"
              + " the paper, for a meta term that acts).");
  public static final Setting<Double> ALPHA =
      Setting.decimal("trainer.alpha", 1e-5, 0, 10, "α when trainer.alpha.mode is fixed.");
  public static final Setting<Integer> INNER_STEPS =
      Setting.integer(
          "trainer.inner-steps",
          1,
          1,
          64,
          "k: inner SGD steps on the support batch per task (the paper: 1; more is a deviation).");
  public static final Setting<Double> LR_PEAK =
      Setting.decimal("trainer.lr.peak", 1e-5, 0, 10, "β after warm-up (AdamW learning rate).");
  public static final Setting<Double> LR_FINAL =
      Setting.decimal("trainer.lr.final", 1e-7, 0, 10, "β at the end of the cosine.");
  public static final Setting<Long> LR_WARMUP =
      Setting.longInteger(
          "trainer.lr.warmup-updates", 100, 0, Long.MAX_VALUE, "Updates of linear warm-up.");
  public static final Setting<Long> LR_TOTAL =
      Setting.longInteger(
          "trainer.lr.total-updates",
          10_000,
          0,
          Long.MAX_VALUE,
          "Update at which the cosine reaches trainer.lr.final (constant afterwards).");
  public static final Setting<Long> UPDATES_PER_EPOCH =
      Setting.longInteger(
          "trainer.updates-per-epoch",
          100,
          1,
          Long.MAX_VALUE,
          "Updates per 'epoch' of the paper preset (its warm-up is 2 epochs, its cosine"
              + " trainer.gwa.cycle-snapshots epochs).");
  public static final Setting<Double> ADAM_BETA1 =
      Setting.decimal("trainer.adamw.beta1", 0.9, 0, 0.999999, "AdamW β1.");
  public static final Setting<Double> ADAM_BETA2 =
      Setting.decimal("trainer.adamw.beta2", 0.999, 0, 0.999999, "AdamW β2.");
  public static final Setting<Double> ADAM_EPS =
      Setting.decimal("trainer.adamw.epsilon", 1e-8, 1e-30, 1, "AdamW epsilon.");
  public static final Setting<Double> WEIGHT_DECAY =
      Setting.decimal(
          "trainer.adamw.weight-decay",
          0.001,
          0,
          10,
          "Decoupled weight decay (none on tensors of at most 1 dimension).");
  public static final Setting<Optional<String>> MAX_GRAD_NORM =
      Setting.optionalString(
          "trainer.max-grad-norm", "Clip the summed gradient to this global L2 norm; empty: none.");
  public static final Setting<String> MODEL_PRESET =
      Setting.string("trainer.model.preset", "tiny", "CLIP architecture preset of the model.");
  public static final Setting<Optional<String>> WEIGHTS =
      Setting.optionalString(
          "trainer.model.weights",
          "Starting weights (safetensors or TorchScript); empty: the bundled pretrained weights"
              + " for the tiny preset, random weights from trainer.model.seed for any other.");
  public static final Setting<Long> SEED =
      Setting.longInteger("trainer.model.seed", 1, 0, Long.MAX_VALUE, "Seed of random weights.");
  public static final Setting<String> DEVICE =
      Setting.string("trainer.device", "cpu", "Device: cpu, gpu or gpu:N.");
  public static final Setting<Optional<String>> MODEL_NAME =
      Setting.optionalString(
          "trainer.model.name",
          "Model line on the checkpoints topic; empty: openmede-<trainer.model.preset>.");
  public static final Setting<List<String>> VOCABULARY =
      Setting.list(
          "trainer.vocabulary",
          List.of(),
          "Fixed training vocabulary (comma-separated labels); empty: every label seen so far.");
  public static final Setting<Integer> MAX_LABELS =
      Setting.integer(
          "trainer.vocabulary.max-labels",
          1000,
          1,
          1_000_000,
          "Most labels an open training vocabulary (trainer.vocabulary empty) grows to: every"
              + " update embeds them all, so a clip with yet another new label beyond it is"
              + " refused to dead letters with the reason.");
  public static final Setting<Double> GWA_MU =
      Setting.decimal("trainer.gwa.mu", 15, -1e6, 1e6, "GWA μ, in snapshots.");
  public static final Setting<Double> GWA_SIGMA =
      Setting.decimal("trainer.gwa.sigma", 10, 1e-9, 1e6, "GWA σ, in snapshots.");
  public static final Setting<Integer> GWA_R =
      Setting.integer(
          "trainer.gwa.cycle-snapshots",
          22,
          1,
          1_000_000,
          "R: snapshots per cycle; the average is published at each cycle's end.");
  public static final Setting<Integer> GWA_L =
      Setting.integer(
          "trainer.gwa.snapshot-interval",
          50,
          1,
          Integer.MAX_VALUE,
          "l: updates between snapshots (the paper's epoch).");
  public static final Setting<Boolean> GWA_INCLUDE_INITIAL =
      Setting.bool(
          "trainer.gwa.include-initial",
          false,
          "Include θ0 (the weights at the start of a cycle) as t = 0; the paper excludes it.");
  public static final Setting<Double> EMA_DECAY =
      Setting.decimal("trainer.ema.decay", 0.999, 0, 0.999999999, "Decay of the EMA baseline.");
  public static final Setting<String> STATE_DIR =
      Setting.string("trainer.state.dir", "data/trainer/state", "Trainer state directory.");
  public static final Setting<Integer> STATE_INTERVAL =
      Setting.integer(
          "trainer.state.interval", 10, 1, Integer.MAX_VALUE, "K: updates between state saves.");
  public static final Setting<String> CHECKPOINT_DIR =
      Setting.string(
          "trainer.checkpoint.dir", "data/checkpoints", "Checkpoint store directory (weights).");
  public static final Setting<Optional<String>> SIGNING_KEY =
      Setting.optionalString(
          "trainer.checkpoint.signing-key",
          "Ed25519 private key (PEM, from openmede keys generate) that signs each checkpoint"
              + " announcement; its NAME.pub must lie beside NAME.key. Empty: announcements are"
              + " unsigned, and recognizers with recognizer.checkpoints.trusted-keys refuse them.");
  public static final Setting<Integer> HELD_OUT =
      Setting.integer(
          "trainer.eval.max-clips",
          256,
          0,
          1_000_000,
          "Held-out clips (split other than 'train') kept for evaluation; 0 disables it.");
  public static final Setting<Integer> FEEDBACK_OVERSAMPLE =
      Setting.integer(
          "trainer.feedback.oversample",
          3,
          1,
          64,
          "Times each training clip made from feedback (clip id feedback:...) is offered to the"
              + " task pairer, so a person's corrections weigh more than the bulk stream; copies may"
              + " share a batch. Feedback clips held out (split feedback-eval) are evaluated apart"
              + " as eval.feedback.*.");
  public static final Setting<Boolean> EVALUATE =
      Setting.bool("trainer.eval.enabled", true, "Evaluate θ and the average at each publication.");
  public static final Setting<Double> OPEN_SET_RECALL =
      Setting.decimal(
          "trainer.openset.recall",
          0.9,
          0.01,
          1,
          "Target recall of each checkpoint's open-set thresholds, on held-out clips scored as"
              + " the recognizer scores a window: with trainer.openset.thresholds=window the share"
              + " of known clips whose best label passes the one threshold; with per-label, each"
              + " label's threshold keeps this share of its clips, and labels with fewer than"
              + " trainer.openset.min-clips held-out clips, and labels added at runtime, use one"
              + " threshold fitted on all labels' clips pooled. Fitted for every score kind"
              + " (recognizer.openset.score) and sent in the announcement.");
  public static final Setting<ThresholdScope> OPEN_SET_THRESHOLDS =
      Setting.choice(
          "trainer.openset.thresholds",
          ThresholdScope.class,
          ThresholdScope.WINDOW,
          "What each checkpoint's open-set thresholds are fitted on. window: one threshold for"
              + " every label on the window score (the best label's score) of all held-out known"
              + " clips, so trainer.openset.recall of known windows are recognized whatever label"
              + " the model gives them. per-label: each label's own threshold on its clips' score"
              + " for that label, which a model that confuses labels pulls down until most empty"
              + " scenes pass (validation draws of the world, fine-tuned tiny CLIP,"
              + " learned-background fitted on 130 known clips: 81 % of new in-context known clips"
              + " kept and 70 % of empty scenes pass, against 85 % and 29 % with window).");
  public static final Setting<Integer> OPEN_SET_FOLDS =
      Setting.integer(
          "trainer.openset.folds",
          5,
          1,
          64,
          "Cross-fitting of the learned-background thresholds: the held-out clips are split in"
              + " this many folds and each clip is scored, for the thresholds, by a background"
              + " class fitted without its fold (the class announced is fitted on all). 1 scores"
              + " them with the class fitted on them, which keeps far fewer known windows than"
              + " trainer.openset.recall when there are few held-out clips (validation draws, 15"
              + " known and 20 negative clips: 53 % kept in-sample, 88 % with 5 folds).");
  public static final Setting<Boolean> OPEN_SET_REGION =
      Setting.bool(
          "trainer.openset.region",
          false,
          "Fit each checkpoint's known region on its held-out known clips and announce it: a"
              + " window whose video embedding's cosine to the nearest held-out known clip is below"
              + " the region's threshold is unknown whatever its label scores (a score learned"
              + " from synthetic negatives can be confident far from them, on real video). Off,"
              + " or with fewer than 2 held-out known clips, no region is announced and windows"
              + " are decided by the thresholds alone. Off by default: bench openset --quick"
              + " (fine-tuned, recall 0.95) moved known windows kept from 0.892 to 0.877 and"
              + " false alarms from 0.665 to 0.629, but the frozen model kept 0.692 instead of"
              + " 0.885 (out-of-context known clips fall outside), and in the demo, with its few"
              + " held-out known clips, the real clip was no more often 'nothing recognized'.");
  public static final Setting<Double> OPEN_SET_REGION_RECALL =
      Setting.decimal(
          "trainer.openset.region.recall",
          0.95,
          0.01,
          1,
          "Share of held-out known clips the known region keeps, cross-fitted (each clip against"
              + " the held-out known clips of the other trainer.openset.folds folds, at least 2).");
  public static final Setting<Integer> OPEN_SET_MIN_CLIPS =
      Setting.integer(
          "trainer.openset.min-clips",
          5,
          1,
          1_000_000,
          "Held-out clips a label needs for an open-set threshold of its own.");
  public static final Setting<List<String>> OPEN_SET_BACKGROUND =
      Setting.list(
          "trainer.openset.background",
          List.of("background"),
          "Background class names of the background open-set score, filled into the prompt"
              + " templates like labels; sent with the thresholds so recognizers use the same.");
  public static final Setting<Boolean> GATE_ENABLED =
      Setting.bool(
          "trainer.gate.enabled",
          true,
          "Judge each checkpoint before recognizers may install it: its top-1 on the held-out"
              + " clips (base), the held-out feedback clips and the guard set (held-out clips of"
              + " labels not trained on, split novel, scored zero-shot among their own labels) is"
              + " compared on the same videos with the model that serves; announced PROMOTED or"
              + " HELD_BACK with the figures and the reason. false: every checkpoint is promoted"
              + " unjudged.");
  public static final Setting<Double> GATE_MARGIN =
      Setting.decimal(
          "trainer.gate.margin",
          0.02,
          0,
          1,
          "Largest drop in top-1 (0.02: two points) a candidate may show on any clip set and still"
              + " be promoted; a larger drop holds it back when the paired test says it is worse.");
  public static final Setting<Double> GATE_ALPHA =
      Setting.decimal(
          "trainer.gate.alpha",
          0.05,
          1e-9,
          0.5,
          "Significance level of the gate's paired test (exact one-sided McNemar on the videos"
              + " the candidate and the serving model disagree on).");
  public static final Setting<Double> GATE_MAX_DROP =
      Setting.decimal(
          "trainer.gate.max-drop",
          0.15,
          0,
          1,
          "Largest drop in top-1 on any clip set a candidate may show whatever the paired test"
              + " says (0.15: fifteen points); a larger one holds it back even when the few"
              + " held-out videos make the test inconclusive. At least trainer.gate.margin; 1"
              + " turns it off. The price: a candidate no worse than the serving one is held back"
              + " by chance more often on small sets (README).");
  public static final Setting<Optional<String>> GUARD_LIST =
      Setting.optionalString(
          "trainer.guard.list",
          "A dataset list (as openmede ingest list reads: CSV path,label or text 'path label',"
              + " paths relative to the list's directory and inside it) of guard videos, of labels"
              + " the trainer does not train on: decoded once at start (one clip of T frames each)"
              + " and scored zero-shot by the gate with the stream's held-out novel clips. Empty:"
              + " the stream's held-out novel clips only.");
  public static final Setting<Integer> GUARD_MAX_VIDEOS =
      Setting.integer(
          "trainer.guard.max-videos",
          1000,
          1,
          1_000_000,
          "Most videos read from trainer.guard.list (the rest is skipped, and the log says so).");
  public static final Setting<Long> GUARD_MAX_VIDEO_BYTES =
      Setting.longInteger(
          "trainer.guard.max-video-bytes",
          512L * 1024 * 1024,
          1,
          Long.MAX_VALUE,
          "Largest guard video file read, in bytes (a larger one is skipped with the reason).");
  public static final Setting<Long> GUARD_MAX_LIST_BYTES =
      Setting.longInteger(
          "trainer.guard.max-list-bytes",
          16L * 1024 * 1024,
          1,
          Long.MAX_VALUE,
          "Largest trainer.guard.list file, in bytes (a larger one stops the trainer at start).");
  public static final Setting<Boolean> GATE_PROMOTE_UNJUDGED =
      Setting.bool(
          "trainer.gate.promote-unjudged",
          true,
          "Promote a checkpoint when there are no held-out, feedback or guard clips to judge it"
              + " on (the stream sends none); false holds it back until an operator promotes it.");
  public static final Setting<List<String>> GATE_OPERATOR_KEYS =
      Setting.list(
          "trainer.gate.operator-keys",
          List.of(),
          "Ed25519 public key files (PEM) of the operators, as the recognizers'"
              + " recognizer.checkpoints.operator-keys: the gate then reads the checkpoints topic"
              + " before each judgement and compares the candidate with what the recognizers serve"
              + " after the operators' signed promote, rollback and unpin. Empty: operator"
              + " decisions are not followed (recognizers without operator keys refuse them too),"
              + " and the baseline is the trainer's last promoted checkpoint.");
  public static final Setting<Duration> PROGRESS =
      Setting.duration(
          "trainer.progress.interval", Duration.ofSeconds(10), "Progress line period.");
  public static final Setting<Long> STOP_AFTER =
      Setting.longInteger(
          "trainer.stop-after-updates",
          0,
          0,
          Long.MAX_VALUE,
          "Stop (saving state) after this many updates in total; 0 runs until stopped.");
  public static final Setting<Integer> METRICS_PORT =
      Setting.integer(
          "trainer.metrics.port",
          0,
          0,
          65535,
          "Port of /metrics (Prometheus) and /health/live, /health/ready; 0 for none.");

  /** Every trainer setting, for --help, the sample config and the README. */
  public static final SettingsGroup GROUP =
      SettingsGroup.of(
          "Trainer",
          METHOD,
          PRESET,
          TASKS,
          BATCH,
          FRAMES,
          DELTA,
          ALPHA_MODE,
          ALPHA,
          INNER_STEPS,
          LR_PEAK,
          LR_FINAL,
          LR_WARMUP,
          LR_TOTAL,
          UPDATES_PER_EPOCH,
          ADAM_BETA1,
          ADAM_BETA2,
          ADAM_EPS,
          WEIGHT_DECAY,
          MAX_GRAD_NORM,
          MODEL_PRESET,
          WEIGHTS,
          SEED,
          DEVICE,
          MODEL_NAME,
          VOCABULARY,
          MAX_LABELS,
          GWA_MU,
          GWA_SIGMA,
          GWA_R,
          GWA_L,
          GWA_INCLUDE_INITIAL,
          EMA_DECAY,
          STATE_DIR,
          STATE_INTERVAL,
          CHECKPOINT_DIR,
          SIGNING_KEY,
          HELD_OUT,
          FEEDBACK_OVERSAMPLE,
          EVALUATE,
          OPEN_SET_RECALL,
          OPEN_SET_THRESHOLDS,
          OPEN_SET_FOLDS,
          OPEN_SET_REGION,
          OPEN_SET_REGION_RECALL,
          OPEN_SET_MIN_CLIPS,
          OPEN_SET_BACKGROUND,
          GATE_ENABLED,
          GATE_MARGIN,
          GATE_ALPHA,
          GATE_MAX_DROP,
          GATE_PROMOTE_UNJUDGED,
          GATE_OPERATOR_KEYS,
          GUARD_LIST,
          GUARD_MAX_VIDEOS,
          GUARD_MAX_VIDEO_BYTES,
          GUARD_MAX_LIST_BYTES,
          PROGRESS,
          STOP_AFTER,
          METRICS_PORT);

  /** Validates cross-field rules, naming the bad value. */
  public TrainerSettings {
    if (modelName.isBlank()) {
      throw new SettingsException("trainer.model.name must not be blank");
    }
    if (!MODEL_NAME_PATTERN.matcher(modelName).matches() || modelName.length() > 100) {
      throw new SettingsException(
          "trainer.model.name '"
              + modelName
              + "' must be 1 to 100 of A-Z a-z 0-9 . _ - and start with a letter or digit: it"
              + " begins every checkpoint version (NAME-u000000042-open-mede), which is a"
              + " directory name in the store");
    }
    if (method.isAveraging() && method != TrainingMethod.PLAIN_EMA && cycleSnapshots < 1) {
      throw new SettingsException("trainer.gwa.cycle-snapshots must be >= 1");
    }
    vocabulary = List.copyOf(vocabulary);
    java.util.Objects.requireNonNull(openSet, "openSet");
  }

  /**
   * Converts resolved settings once; they must hold {@link #GROUP} and {@link InputBounds#GROUP}.
   */
  public static TrainerSettings from(Settings s) {
    boolean paper = s.get(PRESET) == Preset.PAPER_VIT_B_16;
    long epoch = s.get(UPDATES_PER_EPOCH);
    int r = s.get(GWA_R);
    OptimizerSettings base = OptimizerSettings.paperVitB16(epoch, r);
    int n = pick(s, TASKS, paper, base.tasksPerUpdate());
    int b = pick(s, BATCH, paper, base.batchSize());
    double delta = pick(s, DELTA, paper, base.delta());
    double peak = pick(s, LR_PEAK, paper, base.schedule().peak());
    double fin = pick(s, LR_FINAL, paper, base.schedule().floor());
    long warm = pick(s, LR_WARMUP, paper, base.schedule().warmupSteps());
    long total = pick(s, LR_TOTAL, paper, base.schedule().totalSteps());
    double wd = pick(s, WEIGHT_DECAY, paper, base.adamw().weightDecay());
    AlphaMode mode = pick(s, ALPHA_MODE, paper, AlphaMode.TIED);
    InnerStep alpha =
        switch (mode) {
          case TIED -> InnerStep.tiedToLearningRate();
          case FIXED -> InnerStep.fixed(s.get(ALPHA));
          case CALIBRATED -> InnerStep.calibratedToOuterStep();
        };
    alpha = alpha.withSteps(pick(s, INNER_STEPS, paper, 1));
    OptionalDouble clip = OptionalDouble.empty();
    if (s.get(MAX_GRAD_NORM).isPresent()) {
      String text = s.get(MAX_GRAD_NORM).get();
      try {
        double v = Double.parseDouble(text.trim());
        if (!(v > 0)) {
          throw new NumberFormatException();
        }
        clip = OptionalDouble.of(v);
      } catch (NumberFormatException e) {
        throw new SettingsException(
            "trainer.max-grad-norm '" + text + "' must be a number > 0, or empty for no clipping");
      }
    }
    if (fin > peak) {
      throw new SettingsException(
          "trainer.lr.final " + fin + " exceeds trainer.lr.peak " + peak + "; lower it");
    }
    if (total < warm) {
      throw new SettingsException(
          "trainer.lr.total-updates " + total + " is below trainer.lr.warmup-updates " + warm);
    }
    OptimizerSettings opt;
    try {
      opt =
          new OptimizerSettings(
              n,
              b,
              delta,
              alpha,
              new LearningRateSchedule(peak, fin, warm, total),
              new AdamW.Settings(s.get(ADAM_BETA1), s.get(ADAM_BETA2), s.get(ADAM_EPS), wd),
              clip);
    } catch (IllegalArgumentException e) {
      throw new SettingsException("invalid trainer settings: " + e.getMessage());
    }
    String preset = s.get(MODEL_PRESET);
    long stop = s.get(STOP_AFTER);
    return new TrainerSettings(
        s.get(METHOD),
        opt,
        s.get(FRAMES),
        preset,
        s.get(WEIGHTS).map(Path::of),
        s.get(SEED),
        ComputeDevice.parse(s.get(DEVICE)),
        s.get(MODEL_NAME).orElse("openmede-" + preset),
        s.get(VOCABULARY),
        s.get(GWA_MU),
        s.get(GWA_SIGMA),
        r,
        s.get(GWA_L),
        s.get(GWA_INCLUDE_INITIAL),
        s.get(EMA_DECAY),
        Path.of(s.get(STATE_DIR)),
        s.get(STATE_INTERVAL),
        Path.of(s.get(CHECKPOINT_DIR)),
        s.get(SIGNING_KEY).map(Path::of),
        s.get(HELD_OUT),
        s.get(FEEDBACK_OVERSAMPLE),
        s.get(EVALUATE),
        s.get(PROGRESS),
        stop == 0 ? Optional.empty() : Optional.of(stop),
        s.get(METRICS_PORT),
        s.get(MAX_LABELS),
        InputBounds.from(s).frames(),
        new OpenSetFitting.Options(
                s.get(OPEN_SET_RECALL),
                s.get(OPEN_SET_MIN_CLIPS),
                s.get(OPEN_SET_BACKGROUND),
                s.get(OPEN_SET_THRESHOLDS),
                s.get(OPEN_SET_FOLDS))
            .withRegionRecall(
                s.get(OPEN_SET_REGION)
                    ? java.util.OptionalDouble.of(s.get(OPEN_SET_REGION_RECALL))
                    : java.util.OptionalDouble.empty()),
        s.get(GATE_ENABLED)
            ? Optional.of(
                new io.openmede.trainer.gate.PromotionRule(
                    s.get(GATE_MARGIN),
                    s.get(GATE_ALPHA),
                    gateMaxDrop(s),
                    s.get(GATE_PROMOTE_UNJUDGED)))
            : Optional.empty(),
        s.get(GUARD_LIST).map(Path::of),
        new io.openmede.trainer.eval.GuardList.Bounds(
            s.get(GUARD_MAX_LIST_BYTES), s.get(GUARD_MAX_VIDEOS), s.get(GUARD_MAX_VIDEO_BYTES)),
        s.get(GATE_OPERATOR_KEYS).stream().map(Path::of).toList());
  }

  private static double gateMaxDrop(Settings s) {
    double maxDrop = s.get(GATE_MAX_DROP);
    double margin = s.get(GATE_MARGIN);
    if (maxDrop < margin) {
      throw new SettingsException(
          GATE_MAX_DROP.name()
              + " "
              + maxDrop
              + " is below "
              + GATE_MARGIN.name()
              + " "
              + margin
              + "; raise it (1 turns the max drop off)");
    }
    return maxDrop;
  }

  private static <T> T pick(Settings s, Setting<T> setting, boolean paper, T paperValue) {
    if (paper && "default".equals(s.origin(setting))) {
      return paperValue;
    }
    return s.get(setting);
  }
}
