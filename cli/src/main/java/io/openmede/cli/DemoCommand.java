package io.openmede.cli;

import io.openmede.cli.demo.DemoRun;
import io.openmede.events.EpisodeLimits;
import io.openmede.events.EventsSettings;
import io.openmede.events.clips.ClipSettings;
import io.openmede.ingest.feedback.LabelerSettings;
import io.openmede.platform.signing.KeyFiles;
import io.openmede.recognizer.RecognizerSettings;
import io.openmede.schemas.checkpoint.CheckpointSigning;
import io.openmede.schemas.checkpoint.OperatorSettings;
import io.openmede.schemas.values.InputBounds;
import io.openmede.settings.ConfigOptions;
import io.openmede.settings.DurationConverter;
import io.openmede.settings.Settings;
import io.openmede.settings.SettingsGroup;
import io.openmede.trainer.TrainerSettings;
import io.openmede.web.WebSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The main job on the embedded default: broker, registry, cameras, recognizer and trainer. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run everything on this machine: an embedded Kafka broker and schema registry, synthetic"
          + " cameras and the sample video, the recognizer with the tiny pretrained CLIP and a"
          + " vocabulary of the base actions, and the Open-MeDe trainer on a labeled synthetic"
          + " stream, whose averaged checkpoints the recognizer swaps in.",
      "Prints recognitions; serves the live page. Ctrl-C stops everything.",
      "Recognizer and trainer settings (--set recognizer.*, trainer.*) apply; the demo's own"
          + " defaults are listed under --demo-defaults."
    })
final class DemoCommand implements Callable<Integer> {
  /** File name of the demo's checkpoint signing key pair (in DATA/keys). */
  static final String DEMO_KEY = "demo-checkpoints";

  /**
   * File name of the demo's operator key pair (in DATA/keys): the live page's Promote, Roll back
   * and Unpin sign with it, and the demo's recognizer trusts it.
   */
  static final String DEMO_OPERATOR_KEY = "demo-operator";

  /** The demo's defaults for recognizer and trainer settings: small, fast cycles on 2 cores. */
  static final Map<String, String> DEMO_DEFAULTS =
      Map.ofEntries(
          Map.entry("recognizer.state.dir", "${data}/recognizer"),
          Map.entry("recognizer.checkpoints.cache", "${data}/recognizer-checkpoints"),
          Map.entry("recognizer.checkpoints.roots", "${data}/checkpoints"),
          Map.entry("recognizer.checkpoints.trusted-keys", "${data}/keys/" + DEMO_KEY + ".pub"),
          Map.entry(
              "recognizer.checkpoints.operator-keys", "${data}/keys/" + DEMO_OPERATOR_KEY + ".pub"),
          Map.entry("operator.signing-key", "${data}/keys/" + DEMO_OPERATOR_KEY + ".key"),
          Map.entry("recognizer.application.id", "openmede-demo-recognizer"),
          Map.entry("recognizer.commit.interval", "500ms"),
          Map.entry("events.state.dir", "${data}/events"),
          Map.entry("events.application.id", "openmede-demo-events"),
          Map.entry("clips.dir", "${data}/clips"),
          Map.entry("clips.group", "openmede-demo-events-clips"),
          Map.entry("labeler.group", "openmede-demo-labeler"),
          Map.entry("trainer.state.dir", "${data}/trainer"),
          Map.entry("trainer.checkpoint.dir", "${data}/checkpoints"),
          Map.entry("trainer.checkpoint.signing-key", "${data}/keys/" + DEMO_KEY + ".key"),
          Map.entry("trainer.gate.operator-keys", "${data}/keys/" + DEMO_OPERATOR_KEY + ".pub"),
          Map.entry("trainer.tasks-per-update", "2"),
          Map.entry("trainer.batch-size", "4"),
          Map.entry("trainer.lr.peak", "2e-5"),
          Map.entry("trainer.lr.warmup-updates", "10"),
          Map.entry("trainer.gwa.snapshot-interval", "5"),
          Map.entry("trainer.gwa.cycle-snapshots", "4"),
          Map.entry("trainer.gwa.mu", "3"),
          Map.entry("trainer.gwa.sigma", "2"),
          Map.entry("trainer.eval.max-clips", "32"),
          Map.entry("trainer.progress.interval", "15s"));

  @Mixin ConfigOptions config;

  @Option(
      names = "--data-dir",
      defaultValue = "data/demo",
      description =
          "Where the broker, state and checkpoints live; kept across runs (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--cameras",
      defaultValue = "3",
      description = "Synthetic cameras (default: ${DEFAULT-VALUE}).")
  int cameras;

  @Option(
      names = "--camera-fps",
      defaultValue = "8",
      description = "Frames per second of each stream (default: ${DEFAULT-VALUE}).")
  double cameraFps;

  @Option(
      names = "--video",
      description =
          "A video file to loop as one more stream (default: ../shared/videos/demo.mp4 when present; 'none' for none).")
  String video;

  @Option(names = "--no-trainer", description = "Run without the trainer.")
  boolean noTrainer;

  @Option(
      names = "--clips-per-second",
      defaultValue = "6",
      description =
          "Pace of the labeled synthetic stream for the trainer (default: ${DEFAULT-VALUE}).")
  double clipsPerSecond;

  @Option(
      names = "--port",
      defaultValue = "9092",
      description = "Kafka port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int kafkaPort;

  @Option(
      names = "--registry-port",
      defaultValue = "8081",
      description = "Schema registry port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int registryPort;

  @Option(
      names = "--free-ports",
      description = "Pick free ports for Kafka, the registry and the page (tests, a second demo).")
  boolean freePorts;

  @Option(
      names = "--http",
      defaultValue = "8080",
      description =
          "Port of the live page on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(
      names = "--duration",
      converter = DurationConverter.class,
      description =
          "Stop by itself after this long (90s, 5m, or ISO-8601 PT5M); default: until Ctrl-C.")
  Duration duration;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "World seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--demo-defaults", description = "Print the demo's setting defaults and exit.")
  boolean printDefaults;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    if (printDefaults) {
      new java.util.TreeMap<>(DEMO_DEFAULTS).forEach((k, v) -> out.println(k + " = " + v));
      return 0;
    }
    if (cameras < 0) {
      throw new IllegalArgumentException("--cameras " + cameras + " must be 0 or more");
    }
    Path data = dataDir.toAbsolutePath().normalize();
    Settings settings = resolve(data);
    ensureDemoKeys(data, settings, out);
    Optional<Path> videoFile = videoFile();
    CountDownLatch stopped = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicReference<String> died =
        new java.util.concurrent.atomic.AtomicReference<>();
    DemoRun run =
        DemoRun.start(
            new DemoRun.Options(
                data,
                freePorts,
                kafkaPort,
                registryPort,
                "127.0.0.1",
                freePorts ? 0 : httpPort,
                cameras,
                cameraFps,
                videoFile,
                !noTrainer,
                clipsPerSecond,
                seed),
            settings,
            out);
    Thread hook =
        new Thread(
            () -> {
              run.close();
              stopped.countDown();
            },
            "demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    AutoCloseable watch = run.health().watch(Duration.ofSeconds(1));
    run.health()
        .onDeath(
            reason -> {
              died.set(reason);
              stopped.countDown();
            });
    if (duration != null) {
      stopped.await(duration.toMillis(), TimeUnit.MILLISECONDS);
    } else {
      stopped.await();
    }
    watch.close();
    if (died.get() != null || duration != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        return 0; // the hook closes everything
      }
      if (died.get() != null) {
        out.println(
            "demo: stopping because the " + died.get().split(":", 2)[0] + " died: " + died.get());
        out.flush();
      }
      run.close();
    }
    return died.get() != null ? Main.EXIT_FAILURE : 0;
  }

  /**
   * Signing is on in the demo: its key pairs (the trainer's, the operator's) are made on the first
   * run, in the data directory, unless other keys are configured.
   */
  private static void ensureDemoKeys(Path data, Settings settings, PrintStream out)
      throws IOException {
    Path operatorFile = data.resolve("keys").resolve(DEMO_OPERATOR_KEY + ".key");
    boolean demoOperator =
        settings
            .get(OperatorSettings.SIGNING_KEY)
            .map(k -> Path.of(k).equals(operatorFile))
            .orElse(false);
    if (demoOperator
        && !Files.exists(operatorFile)
        && !Files.exists(KeyFiles.publicBeside(operatorFile))) {
      KeyPair pair = KeyFiles.generate();
      KeyFiles.write(pair, operatorFile, KeyFiles.publicBeside(operatorFile));
      out.println(
          "demo: made the operator key "
              + CheckpointSigning.keyId(pair.getPublic())
              + " in "
              + operatorFile.getParent()
              + " (the live page's Promote, Roll back and Unpin sign with it; the recognizer"
              + " trusts it)");
    }
    Path privateFile = data.resolve("keys").resolve(DEMO_KEY + ".key");
    Path publicFile = KeyFiles.publicBeside(privateFile);
    boolean demoKey =
        settings
            .get(TrainerSettings.SIGNING_KEY)
            .map(k -> Path.of(k).equals(privateFile))
            .orElse(false);
    if (demoKey && !Files.exists(privateFile) && !Files.exists(publicFile)) {
      KeyPair pair = KeyFiles.generate();
      KeyFiles.write(pair, privateFile, publicFile);
      out.println(
          "demo: made the checkpoint signing key "
              + CheckpointSigning.keyId(pair.getPublic())
              + " in "
              + privateFile.getParent()
              + " (the trainer signs, the recognizer refuses unsigned checkpoints)");
    }
  }

  private Settings resolve(Path data) {
    List<SettingsGroup> groups =
        List.of(
            RecognizerSettings.GROUP,
            InputBounds.GROUP,
            TrainerSettings.GROUP,
            EventsSettings.GROUP,
            ClipSettings.SETTINGS_GROUP,
            EpisodeLimits.GROUP,
            LabelerSettings.SETTINGS,
            WebSettings.GROUP,
            OperatorSettings.GROUP);
    Settings user = config.resolve(groups);
    Map<String, String> defaults = new LinkedHashMap<>();
    DEMO_DEFAULTS.forEach(
        (k, v) -> {
          if (groups.stream().flatMap(g -> g.settings().stream()).anyMatch(s -> s.name().equals(k))
              && user.origin(
                      groups.stream()
                          .flatMap(g -> g.settings().stream())
                          .filter(s -> s.name().equals(k))
                          .findFirst()
                          .orElseThrow())
                  .equals("default")) {
            defaults.put(k, v.replace("${data}", data.toString()));
          }
        });
    return user.withValues(defaults);
  }

  private Optional<Path> videoFile() {
    if ("none".equals(video)) {
      return Optional.empty();
    }
    if (video != null) {
      return Optional.of(Path.of(video));
    }
    String root = System.getProperty("openmede.root", ".");
    return Optional.of(Path.of(root).resolve("../shared/videos/demo.mp4").normalize());
  }
}
