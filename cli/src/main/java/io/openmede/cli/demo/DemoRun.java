package io.openmede.cli.demo;

import io.openmede.embedded.EmbeddedKafka;
import io.openmede.embedded.EmbeddedPlatform;
import io.openmede.events.EpisodeLimits;
import io.openmede.events.EventsService;
import io.openmede.events.EventsSettings;
import io.openmede.events.clips.ClipSettings;
import io.openmede.events.clips.DirectoryClipStore;
import io.openmede.ingest.feedback.LabelerService;
import io.openmede.ingest.feedback.LabelerSettings;
import io.openmede.ingest.frame.FrameSize;
import io.openmede.ingest.produce.FramePipeline;
import io.openmede.ingest.produce.FrameStreams;
import io.openmede.ingest.produce.IngestMetrics;
import io.openmede.ingest.produce.SyntheticClipFeed;
import io.openmede.ingest.source.SourceOptions;
import io.openmede.ingest.source.SyntheticSource;
import io.openmede.ingest.source.VideoFileSource;
import io.openmede.model.DefaultWeights;
import io.openmede.platform.health.Health;
import io.openmede.platform.service.Resources;
import io.openmede.recognizer.RecognizerService;
import io.openmede.recognizer.RecognizerSettings;
import io.openmede.schemas.avro.AlertRule;
import io.openmede.schemas.checkpoint.OperatorDecisionWriter;
import io.openmede.schemas.feedback.FeedbackWriter;
import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.vocabulary.VocabularyWriter;
import io.openmede.settings.Settings;
import io.openmede.trainer.TrainerService;
import io.openmede.trainer.TrainerSettings;
import io.openmede.web.LiveFeed;
import io.openmede.web.LivePage;
import io.openmede.web.LiveState;
import io.openmede.web.RulesWriter;
import io.openmede.web.WebSettings;
import io.openmede.world.Action;
import io.openmede.world.CameraSettings;
import io.openmede.world.SyntheticCamera;
import io.openmede.world.SyntheticWorld;
import io.openmede.world.WorldSettings;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Everything of the demo in one process, started in dependency order and closed in reverse:
 * embedded broker and registry, topics, vocabulary of the base actions, synthetic cameras and the
 * sample video, the labeled synthetic stream, the recognizer, the trainer, the live page and the
 * printed recognitions.
 *
 * <p>Lifecycle: {@link #start} returns once everything runs; {@link #close()} stops everything
 * (idempotent, safe from a shutdown hook).
 */
public final class DemoRun implements AutoCloseable {

  /** What the demo runs. */
  public record Options(
      Path dataDir,
      boolean freePorts,
      int kafkaPort,
      int registryPort,
      String httpHost,
      int httpPort,
      int cameras,
      double cameraFps,
      Optional<Path> video,
      boolean trainer,
      double clipsPerSecond,
      long seed) {}

  /** The alert rule the demo publishes on its first run. */
  static final String DEMO_RULE = "demo-spinning";

  private final Resources open = new Resources("demo");
  private final Health health = new Health("demo");
  private final PrintStream out;
  private volatile boolean closed;
  private volatile TrainerService trainer;
  private String bootstrapServers;
  private String registryUrl;
  private int httpPort;
  private String pageUrl;

  private DemoRun(PrintStream out) {
    this.out = out;
  }

  /**
   * Starts the demo.
   *
   * @param settings recognizer and trainer settings (the demo's defaults already applied)
   */
  public static DemoRun start(Options o, Settings settings, PrintStream out) throws Exception {
    DemoRun run = new DemoRun(out);
    try {
      run.startAll(o, settings);
      return run;
    } catch (Exception | Error e) {
      run.close();
      throw e;
    }
  }

  private void step(String what) {
    out.println("demo: " + what);
    out.flush();
  }

  private void startAll(Options o, Settings settings) throws Exception {
    long t0 = System.nanoTime();
    Cluster cluster = startBroker(o, t0);
    ClipSettings clips = ClipSettings.from(settings);
    if (clips.enabled()) {
      // before the services: a line for every clip committed from now on
      open.add(ClipPrinter.start(cluster, clips.dir().toAbsolutePath(), out));
    }
    LiveState state = new LiveState();
    List<PrometheusRegistry> metrics = new CopyOnWriteArrayList<>();
    startPage(o, settings, cluster, state, metrics);
    startServices(o, settings, cluster, metrics);
    SyntheticWorld world = new SyntheticWorld(WorldSettings.defaults().withSeed(o.seed()));
    IngestMetrics ingestMetrics = new IngestMetrics();
    startStreams(o, cluster, world, ingestMetrics);
    if (o.trainer()) {
      // before the trainer: a line for each checkpoint's gate outcome
      open.add(CheckpointPrinter.start(cluster, out));
      startTrainer(o, settings, cluster, world, ingestMetrics, state);
    }
    open.add(RecognitionPrinter.start(cluster, out));
    step(
        String.format(
            "running (%.1f s to start). Ctrl-C stops everything. In another terminal:"
                + " ./openmede vocab add \"%s\"",
            (System.nanoTime() - t0) / 1e9, Action.novel().get(0).label()));
  }

  /** The embedded broker and registry, and the project's topics on them. */
  private Cluster startBroker(Options o, long t0) throws Exception {
    Files.createDirectories(o.dataDir());
    step(
        "starting the embedded Kafka broker and schema registry in "
            + o.dataDir().resolve("broker"));
    EmbeddedKafka.Builder kafka =
        EmbeddedKafka.builder().optDataDir(o.dataDir().resolve("broker").toAbsolutePath());
    if (!o.freePorts()) {
      kafka.optPort(o.kafkaPort());
    }
    EmbeddedPlatform platform = EmbeddedPlatform.start(kafka, o.freePorts() ? 0 : o.registryPort());
    open.add(platform);
    bootstrapServers = platform.bootstrapServers();
    registryUrl = platform.registryUrl();
    step(
        String.format(
            "broker ready at %s, registry at %s (%.1f s)",
            bootstrapServers, registryUrl, (System.nanoTime() - t0) / 1e9));
    Cluster cluster = Cluster.local(bootstrapServers, registryUrl);
    List<String> created = cluster.ensureTopics();
    if (!created.isEmpty()) {
      step("created topics " + String.join(", ", created));
    }
    return cluster;
  }

  /** The live page with its writers and feed; the base vocabulary on the first run. */
  private void startPage(
      Options o,
      Settings settings,
      Cluster cluster,
      LiveState state,
      List<PrometheusRegistry> metrics)
      throws Exception {
    VocabularyWriter vocabulary =
        open.add(
            new VocabularyWriter(
                cluster.clientConfig(),
                cluster.topics().vocabulary(),
                "openmede-live-page-vocabulary"));
    RulesWriter rulesWriter =
        open.add(new RulesWriter(cluster.clientConfig(), cluster.topics().rules()));
    FeedbackWriter feedbackWriter =
        open.add(
            new FeedbackWriter(
                cluster.clientConfig(),
                cluster.topics().feedback(),
                "openmede-live-page-feedback"));
    // the model history's Promote, Roll back and Unpin sign with the demo's operator key
    Optional<OperatorDecisionWriter> operator =
        OperatorDecisionWriter.signingKey(settings)
            .map(
                k ->
                    open.add(
                        new OperatorDecisionWriter(
                            cluster.clientConfig(),
                            cluster.topics().checkpoints(),
                            "openmede-live-page-operator",
                            k,
                            OperatorDecisionWriter.trainerKeys(
                                settings.get(RecognizerSettings.TRUSTED_KEYS)))));
    seedVocabulary(o, vocabulary);
    LiveFeed feed = new LiveFeed(cluster.clientConfig(), cluster.topics(), state);
    feed.start();
    open.add(feed);
    LivePage page =
        new LivePage(
            state,
            new LivePage.Writers(
                Optional.of(vocabulary),
                Optional.of(rulesWriter),
                Optional.of(feedbackWriter),
                operator),
            metrics,
            WebSettings.from(settings),
            health);
    ClipSettings clips = ClipSettings.from(settings);
    if (clips.enabled()) {
      page.withClips(new DirectoryClipStore(clips.dir(), clips.maxBytes()));
    }
    httpPort = page.start(o.httpHost(), o.httpPort());
    open.add(page);
    pageUrl = page.url();
    step("live page at " + pageUrl);
  }

  private void seedVocabulary(Options o, VocabularyWriter vocabulary) throws Exception {
    Path seeded = o.dataDir().resolve("vocabulary-seeded");
    if (Files.exists(seeded)) {
      return;
    }
    for (Action a : Action.base()) {
      vocabulary.add(a.label(), List.of());
    }
    Files.writeString(
        seeded, "the base actions were published once; vocab add/remove changes them\n");
    step(
        "vocabulary: the "
            + Action.base().size()
            + " base actions of the synthetic world"
            + " (novel ones, e.g. \""
            + Action.novel().get(0).label()
            + "\", are yours to add)");
  }

  /** The recognizer, the events service (with the demo's rule) and the labeler. */
  private void startServices(
      Options o, Settings settings, Cluster cluster, List<PrometheusRegistry> metrics)
      throws Exception {
    if (!DefaultWeights.available()) {
      step(
          "no pretrained tiny weights are bundled in this build: the model starts from random weights");
    }
    Map<String, Object> quickFailover =
        Map.of("consumer.session.timeout.ms", 6000, "consumer.heartbeat.interval.ms", 1500);
    step("starting the recognizer (tiny CLIP video learner, exactly-once)");
    RecognizerService recognizer =
        open.add(
            RecognizerService.start(cluster, RecognizerSettings.from(settings), quickFailover));
    metrics.add(recognizer.metrics().registry());
    health.include(recognizer.health());

    step("starting the events service (alert rules -> events, exactly-once)");
    EventsService events =
        open.add(
            EventsService.start(
                cluster,
                EventsSettings.from(settings),
                java.util.Optional.of(ClipSettings.from(settings)),
                EpisodeLimits.from(settings),
                quickFailover));
    metrics.add(events.metrics().registry());
    health.include(events.health());
    seedRule(o, cluster);

    step("starting the labeler (feedback -> labeled clips of the window's frames)");
    LabelerService labeler =
        open.add(LabelerService.start(cluster, LabelerSettings.from(settings)));
    metrics.add(labeler.registry());
    health.include(labeler.health());
  }

  private void seedRule(Options o, Cluster cluster) throws Exception {
    Path rulesSeeded = o.dataDir().resolve("rules-seeded");
    if (Files.exists(rulesSeeded)) {
      return;
    }
    AlertRule rule =
        AlertRule.newBuilder()
            .setName(DEMO_RULE)
            .setLabel(Action.SPINNING_IN_A_CIRCLE.label())
            .setMinProbability(0.8)
            .setMinWindows(2)
            .setCooldownMs(5_000)
            .setUpdatedAt(java.time.Instant.now())
            .build();
    try (KafkaProducer<String, AlertRule> p =
        new KafkaProducer<>(
            cluster.producerConfig("openmede-demo-rules"),
            new org.apache.kafka.common.serialization.StringSerializer(),
            cluster.topics().rules().valueSerde().serializer())) {
      p.send(new ProducerRecord<>(cluster.topics().rules().name(), DEMO_RULE, rule)).get();
    }
    Files.writeString(
        rulesSeeded, "the demo's alert rule was published once; openmede alert changes it\n");
    step(
        "alert rule "
            + DEMO_RULE
            + ": \""
            + rule.getLabel()
            + "\" at p >= 0.8 for 2 windows opens an event (openmede alert add/remove/list)");
  }

  /** The synthetic cameras and, when it is there, the sample video, looping. */
  private void startStreams(
      Options o, Cluster cluster, SyntheticWorld world, IngestMetrics ingestMetrics) {
    FrameStreams streams = open.add(new FrameStreams(cluster, ingestMetrics));
    for (int i = 0; i < o.cameras(); i++) {
      String id = "camera-" + (i + 1);
      SyntheticCamera camera =
          new SyntheticCamera(
              world, CameraSettings.of(id, o.seed() * 31 + i).withFramesPerSecond(o.cameraFps()));
      streams.add(
          new SyntheticSource(camera, OptionalLong.empty(), true, SourceOptions.defaults()),
          FramePipeline.Options.defaults(id));
    }
    if (o.video().isPresent() && Files.isRegularFile(o.video().get())) {
      Path v = o.video().get();
      streams.add(
          new VideoFileSource(
              v, SourceOptions.defaults().withSize(FrameSize.shortSide(64)).withLoop(true)),
          FramePipeline.Options.defaults(
                  "video-" + v.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "-"))
              .withTargetFps(o.cameraFps())
              .withJpegQuality(85)
              .withRealtime());
      step("streams: " + o.cameras() + " synthetic cameras and " + v + " (looping)");
    } else {
      step(
          "streams: "
              + o.cameras()
              + " synthetic cameras"
              + o.video().map(v -> " (sample video " + v + " not found: skipped)").orElse(""));
    }
  }

  /** The trainer on a labeled synthetic stream, its progress shown on the page. */
  private void startTrainer(
      Options o,
      Settings settings,
      Cluster cluster,
      SyntheticWorld world,
      IngestMetrics ingestMetrics,
      LiveState state)
      throws Exception {
    step("starting the trainer (Open-MeDe + GWA) on a labeled synthetic stream");
    open.add(
        SyntheticClipFeed.start(
            cluster,
            world,
            new SyntheticClipFeed.Options(o.seed(), o.clipsPerSecond(), OptionalLong.empty(), 10),
            ingestMetrics));
    TrainerService trainer =
        open.add(TrainerService.create(TrainerSettings.from(settings), cluster, false));
    this.trainer = trainer;
    health.include(trainer.health());
    trainer.loop().setUpdateListener((u, ids, r) -> state.onTrainerProgress(u, r.loss(), r.beta()));
    trainer.startLoop();
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public String registryUrl() {
    return registryUrl;
  }

  public int httpPort() {
    return httpPort;
  }

  /** The live page's address with its token. */
  public String pageUrl() {
    return pageUrl;
  }

  /**
   * The demo's health: its services' (recognizer, trainer) together; it dies when one of them does,
   * naming it.
   */
  public Health health() {
    return health;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    TrainerService t = trainer;
    if (t != null) {
      out.println(
          "demo: the trainer's gate promoted "
              + t.loop().promoted()
              + " and held back "
              + t.loop().heldBack()
              + " checkpoints in this run (the live page's model history and openmede model list"
              + " show each with its figures)");
    }
    out.println("demo: stopping");
    open.close();
    out.println("demo: stopped");
    out.flush();
  }
}
