package io.openmede.bench.pretrain;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.openmede.model.ClipConfig;
import io.openmede.model.ClipModel;
import io.openmede.model.ComputeDevice;
import io.openmede.model.ContrastivePretraining;
import io.openmede.model.ImagePreprocessor;
import io.openmede.model.TorchThreads;
import io.openmede.model.train.AdamW;
import io.openmede.world.Action;
import io.openmede.world.CaptionCorpus;
import io.openmede.world.CaptionedStill;
import io.openmede.world.Clip;
import io.openmede.world.ClipSpec;
import io.openmede.world.SyntheticWorld;
import io.openmede.world.TestSet;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pretrain}: trains the {@code tiny} CLIP (both towers) with CLIP's contrastive loss on the
 * synthetic world's captioned stills (every action, novel ones included), writes the weights and a
 * JSON manifest, and reports zero-shot accuracy on held-out stills and on novel actions in context.
 *
 * <p>Reproducible bit for bit: the corpus, the initialisation, the order and the scene-free
 * captions are drawn from the seed with Java's {@link SplittableRandom} (no engine random numbers),
 * no operation is stochastic (no dropout), and libtorch runs one intra-op thread unless {@code
 * --threads} says otherwise (a parallel reduction may sum in another order with another thread
 * count). The same command on a machine with the same CPU instruction set writes the same bytes.
 */
@Command(
    name = "pretrain",
    mixinStandardHelpOptions = true,
    description =
        "Pretrain the tiny CLIP on the synthetic world's caption corpus (contrastive, both towers).")
public final class PretrainCommand implements Callable<Integer> {

  /** File name of the tiny preset's weights in the output directory. */
  public static final String WEIGHTS_FILE = "tiny-pretrained.safetensors";

  /** File name of the tiny preset's manifest in the output directory. */
  public static final String MANIFEST_FILE = "tiny-pretrained.json";

  /** File name of a preset's weights in the output directory: {@code <preset>-pretrained...}. */
  public static String weightsFile(String preset) {
    return presetKey(preset) + "-pretrained.safetensors";
  }

  /** File name of a preset's manifest in the output directory. */
  public static String manifestFile(String preset) {
    return presetKey(preset) + "-pretrained.json";
  }

  private static String presetKey(String preset) {
    return preset.trim().toLowerCase(Locale.ROOT);
  }

  @Option(names = "--seed", defaultValue = "1", description = "Seed of corpus, init and order.")
  long seed;

  @Option(names = "--steps", defaultValue = "1500", description = "Optimizer steps.")
  int steps;

  @Option(names = "--batch", defaultValue = "128", description = "Image-caption pairs per step.")
  int batch;

  @Option(names = "--lr", defaultValue = "1e-3", description = "Peak learning rate.")
  double lr;

  @Option(names = "--final-lr", defaultValue = "1e-5", description = "Learning rate at the end.")
  double finalLr;

  @Option(names = "--warmup", defaultValue = "100", description = "Warm-up steps.")
  int warmup;

  @Option(names = "--weight-decay", defaultValue = "0.1", description = "AdamW weight decay.")
  double weightDecay;

  @Option(names = "--corpus", defaultValue = "12000", description = "Captioned stills.")
  int corpus;

  @Option(
      names = "--scene-free-share",
      defaultValue = "0.5",
      description =
          "Share of pairs whose caption omits the scene (\"a photo of a red disc gliding across\"),"
              + " drawn by the seed: teaches the text tower action phrases without a scene.")
  double sceneFreeShare;

  @Option(
      names = "--still-home-probability",
      defaultValue = "0.5",
      description =
          "How often a still shows its action's home scene (the corpus's static bias; the videos"
              + " of training have 0.9): weaker than in video, as web images are less tied to a"
              + " scene than a video dataset (default: ${DEFAULT-VALUE}).")
  double stillHomeProbability;

  @Option(
      names = "--held-out-share",
      defaultValue = "0",
      description =
          "World v3: share of stills on a scene held out of video training (the SCUBA-like"
              + " scenes); 0 with --bare-share 0 is world v2's corpus, the bundled weights'"
              + " (default: ${DEFAULT-VALUE}).")
  double heldOutShare;

  @Option(
      names = "--bare-share",
      defaultValue = "0",
      description =
          "World v3: share of stills that show the scene alone (\"a photo of a slate striped"
              + " background\") (default: ${DEFAULT-VALUE}).")
  double bareShare;

  @Option(
      names = "--preset",
      defaultValue = "tiny",
      description =
          "Architecture preset: tiny (the bundled weights', 32 px) or small (48 px, a larger image"
              + " tower); the world renders at the preset's resolution (default: ${DEFAULT-VALUE}).")
  String preset;

  @Option(names = "--dtype", defaultValue = "F16", description = "Stored type: F16 or F32.")
  String dtype;

  @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or gpu:N.")
  String device;

  @Option(
      names = "--threads",
      defaultValue = "1",
      description =
          "libtorch intra-op threads, set before the engine starts; 1 (the default) makes the"
              + " weights the same bytes on every run of the command; 0 keeps DJL's default (one"
              + " per core), faster on an idle machine but not bit for bit (default:"
              + " ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--eval-per-action",
      defaultValue = "20",
      description = "Held-out stills and novel clips per action for the zero-shot check.")
  int evalPerAction;

  @Option(names = "--log-every", defaultValue = "50", description = "Steps between progress lines.")
  int logEvery;

  @Option(
      names = "--out",
      defaultValue = "target/pretrain",
      description = "Output directory (weights and manifest).")
  Path out;

  @Spec CommandSpec spec;

  private final PrintStream stdout;

  /** Prints to {@link System#out}. */
  public PretrainCommand() {
    this(System.out);
  }

  /** Prints to {@code stdout}. */
  public PretrainCommand(PrintStream stdout) {
    this.stdout = stdout;
  }

  /** The command line that reproduces this run (for the manifest). */
  String commandLine() {
    String v3 =
        heldOutShare > 0 || bareShare > 0
            ? String.format(
                Locale.ROOT, " --held-out-share %s --bare-share %s", heldOutShare, bareShare)
            : "";
    String t = threads == 1 ? "" : " --threads " + threads;
    return v3Free() + v3 + t;
  }

  private String v3Free() {
    return String.format(
        Locale.ROOT,
        "openmede pretrain --seed %d --steps %d --batch %d --lr %s --final-lr %s --warmup %d"
            + " --weight-decay %s --corpus %d --scene-free-share %s --still-home-probability %s"
            + " --preset %s --dtype %s --eval-per-action %d",
        seed,
        steps,
        batch,
        lr,
        finalLr,
        warmup,
        weightDecay,
        corpus,
        sceneFreeShare,
        stillHomeProbability,
        preset,
        dtype,
        evalPerAction);
  }

  @Override
  public Integer call() throws IOException {
    Trained trained = train();
    ClipConfig config = trained.config();
    SyntheticWorld world = trained.world();
    CaptionCorpus captions = trained.captions();
    Path weights = trained.weights();
    double finalLoss = trained.finalLoss();
    stdout.printf(Locale.ROOT, "wrote %s (%d bytes)%n", weights, Files.size(weights));

    List<CaptionedStill> heldOut =
        captions.stills(evalPerAction * Action.values().length, seed + 1_000_003L);
    double stillTop1;
    double novelTop1;
    double novelTop1NoTemporal;
    double baseTop1;
    double novelOocTop1;
    double novelOocStillsTop1;
    double novelHeldOutTop1;
    try (ClipModel model = ClipModel.load(weights, ComputeDevice.parse(device))) {
      stillTop1 = WorldData.stillTop1(model, heldOut, List.of(Action.values()));
      List<Clip> novel = world.novelInContext(evalPerAction, seed + 2_000_003L);
      List<Clip> base = world.baseInContext(evalPerAction, seed + 2_000_003L);
      novelTop1 = WorldData.videoTop1(model, novel, Action.novel());
      baseTop1 = WorldData.videoTop1(model, base, Action.base());
      novelOocTop1 =
          WorldData.videoTop1(
              model, world.novelOutOfContext(evalPerAction, seed + 2_000_003L), Action.novel());
      List<CaptionedStill> oocStills = new ArrayList<>();
      for (ClipSpec spec :
          world.testSpecs(TestSet.NOVEL_OUT_OF_CONTEXT, evalPerAction, seed + 2_000_003L)) {
        oocStills.add(captions.still(spec, CaptionCorpus.Style.MOTION_TRAIL));
      }
      novelOocStillsTop1 = WorldData.stillTop1(model, oocStills, Action.novel());
      novelHeldOutTop1 =
          WorldData.videoTop1(
              model, world.novelHeldOut(evalPerAction, seed + 2_000_003L), Action.novel());
      model.setTemporalAttention(false);
      novelTop1NoTemporal = WorldData.videoTop1(model, novel, Action.novel());
    }
    stdout.printf(
        Locale.ROOT,
        "zero-shot: held-out stills top-1 %.3f over %d actions (chance %.3f)%n",
        stillTop1,
        Action.values().length,
        1.0 / Action.values().length);
    stdout.printf(
        Locale.ROOT,
        "zero-shot video: novel in context top-1 %.3f over %d novel actions (chance %.3f;"
            + " %.3f without temporal attention), base in context %.3f over %d (chance %.3f)%n",
        novelTop1,
        Action.novel().size(),
        1.0 / Action.novel().size(),
        novelTop1NoTemporal,
        baseTop1,
        Action.base().size(),
        1.0 / Action.base().size());

    stdout.printf(
        Locale.ROOT,
        "zero-shot out of context: novel actions on never-seen scenes, video %.3f, stills %.3f;"
            + " on scenes held out of video training (SCUBA-like), video %.3f (chance %.3f)%n",
        novelOocTop1,
        novelOocStillsTop1,
        novelHeldOutTop1,
        1.0 / Action.novel().size());

    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("preset", preset);
    manifest.put("seed", seed);
    manifest.put("steps", steps);
    manifest.put("batch", batch);
    manifest.put("peak_lr", lr);
    manifest.put("final_lr", finalLr);
    manifest.put("warmup_steps", warmup);
    manifest.put("weight_decay", weightDecay);
    manifest.put("adamw_betas", List.of(0.9, 0.98));
    manifest.put("corpus_size", corpus);
    manifest.put("corpus_style", "motion-trail stills, CaptionCorpus.stills(corpus, seed)");
    manifest.put("world", heldOutShare > 0 || bareShare > 0 ? "v3" : "v2");
    manifest.put("held_out_scene_share", heldOutShare);
    manifest.put("bare_scene_share", bareShare);
    manifest.put("scene_free_caption_share", sceneFreeShare);
    manifest.put("still_home_scene_probability", stillHomeProbability);
    manifest.put("frame_size", config.imageResolution());
    manifest.put("dtype", dtype);
    manifest.put("libtorch_threads", threads);
    manifest.put("command", commandLine());
    manifest.put("final_loss", finalLoss);
    manifest.put("prompt_templates", WorldData.promptTemplates().size() + " colour x shape");
    manifest.put("zero_shot_heldout_stills_top1", stillTop1);
    manifest.put("zero_shot_heldout_stills_chance", 1.0 / Action.values().length);
    manifest.put("zero_shot_novel_in_context_video_top1", novelTop1);
    manifest.put("zero_shot_novel_in_context_video_top1_no_temporal", novelTop1NoTemporal);
    manifest.put("zero_shot_novel_in_context_chance", 1.0 / Action.novel().size());
    manifest.put("zero_shot_base_in_context_video_top1", baseTop1);
    manifest.put("zero_shot_novel_out_of_context_video_top1", novelOocTop1);
    manifest.put("zero_shot_novel_out_of_context_stills_top1", novelOocStillsTop1);
    manifest.put("zero_shot_novel_held_out_scenes_video_top1", novelHeldOutTop1);
    Path manifestFile = out.resolve(manifestFile(preset));
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(manifestFile.toFile(), manifest);
    stdout.printf(Locale.ROOT, "wrote %s%n", manifestFile);
    return 0;
  }

  /**
   * What {@link #train} made.
   *
   * @param weights the weights file written
   * @param finalLoss mean loss over the last logged steps
   */
  record Trained(
      Path weights,
      double finalLoss,
      ClipConfig config,
      SyntheticWorld world,
      CaptionCorpus captions) {}

  /**
   * Draws the corpus, trains and writes the weights: the command without its zero-shot checks
   * (tests compare the bytes of two runs).
   */
  Trained train() throws IOException {
    if (threads < 0) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "--threads must be >= 0 (1 for bit-for-bit weights, 0 for one per core), got " + threads);
    }
    TorchThreads.set(threads);
    ClipConfig config = ClipConfig.preset(preset);
    // the world renders at the model's resolution (tiny: 32 px, the world's default; small: 48 px),
    // so that a larger image tower sees finer pixels rather than the same ones resized
    SyntheticWorld world =
        new SyntheticWorld(
            SyntheticWorld.withDefaults().settings().withFrameSize(config.imageResolution()));
    CaptionCorpus captions =
        new CaptionCorpus(
            new SyntheticWorld(world.settings().withHomeSceneProbability(stillHomeProbability)),
            heldOutShare,
            bareShare);
    long t0 = System.nanoTime();
    List<CaptionedStill> stills = captions.stills(corpus, seed);
    stdout.printf(
        Locale.ROOT,
        "corpus: %d captioned stills of %d actions (%d novel) in %.1f s%n",
        stills.size(),
        Action.values().length,
        Action.novel().size(),
        (System.nanoTime() - t0) / 1e9);
    ImagePreprocessor pre = new ImagePreprocessor(config.imageResolution());
    ContrastivePretraining.Settings settings =
        new ContrastivePretraining.Settings(
            lr, finalLr, warmup, steps, new AdamW.Settings(0.9, 0.98, 1e-6, weightDecay));
    Files.createDirectories(out);
    Path weights = out.resolve(weightsFile(preset));
    double finalLoss;
    double lossSum = 0;
    int lossCount = 0;
    try (ContrastivePretraining trainer =
        ContrastivePretraining.fromRandom(config, seed, ComputeDevice.parse(device), settings)) {
      SplittableRandom order = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 17);
      int[] perm = permutation(stills.size(), order);
      int cursor = 0;
      long start = System.nanoTime();
      double recent = Double.NaN;
      for (int s = 0; s < steps; s++) {
        List<CaptionedStill> part = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
          if (cursor == perm.length) {
            perm = permutation(stills.size(), order);
            cursor = 0;
          }
          part.add(stills.get(perm[cursor++]));
        }
        List<String> text = new ArrayList<>(batch);
        for (CaptionedStill c : part) {
          text.add(order.nextDouble() < sceneFreeShare ? sceneFreeCaption(c) : c.caption());
        }
        ContrastivePretraining.StepReport r = trainer.step(WorldData.stillPixels(part, pre), text);
        lossSum += r.loss();
        lossCount++;
        if ((s + 1) % logEvery == 0 || s == steps - 1) {
          recent = lossSum / lossCount;
          double elapsed = (System.nanoTime() - start) / 1e9;
          double ips = (s + 1) * (double) batch / elapsed;
          double eta = elapsed / (s + 1) * (steps - s - 1);
          stdout.printf(
              Locale.ROOT,
              "step %5d/%d  loss %.4f  lr %.2e  scale %.1f  %.0f images/s  eta %.0f s%n",
              s + 1,
              steps,
              recent,
              r.learningRate(),
              r.logitScale(),
              ips,
              eta);
          lossSum = 0;
          lossCount = 0;
        }
      }
      finalLoss = recent;
      trainer.save(
          weights,
          dtype,
          Map.of(
              "openmede.seed", Long.toString(seed),
              "openmede.steps", Integer.toString(steps),
              "openmede.command", commandLine()));
    }
    return new Trained(weights, finalLoss, config, world, captions);
  }

  /**
   * The caption without its scene: {@code "a photo of a red disc gliding across"} (the corpus's own
   * caption when the still has no actor).
   */
  static String sceneFreeCaption(CaptionedStill still) {
    ClipSpec spec = still.spec();
    if (!spec.actorVisible()) {
      return still.caption();
    }
    String phrase = spec.colour().word() + " " + spec.shape().word();
    String article = "aeiou".indexOf(phrase.charAt(0)) >= 0 ? "an " : "a ";
    return "a photo of " + article + phrase + " " + spec.action().label();
  }

  private static int[] permutation(int n, SplittableRandom rnd) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** Runs the command on its own (the launcher wires it as {@code openmede pretrain}). */
  public static void main(String[] args) {
    System.exit(new picocli.CommandLine(new PretrainCommand()).execute(args));
  }
}
