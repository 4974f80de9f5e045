package io.openmede.trainer;

import io.openmede.model.ClipConfig;
import io.openmede.model.ClipModel;
import io.openmede.model.DefaultWeights;
import io.openmede.platform.health.Health;
import io.openmede.platform.health.ServiceEndpoint;
import io.openmede.platform.service.Resources;
import io.openmede.platform.service.RunningService;
import io.openmede.platform.service.ServiceSkeleton;
import io.openmede.platform.signing.KeyFiles;
import io.openmede.schemas.avro.LabeledClip;
import io.openmede.schemas.checkpoint.CheckpointSigning;
import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.topic.Topics;
import io.openmede.settings.SettingsException;
import io.openmede.trainer.checkpoint.CheckpointPublisher;
import io.openmede.trainer.checkpoint.DirectoryCheckpointStore;
import io.openmede.trainer.checkpoint.KafkaAnnouncementSink;
import io.openmede.trainer.checkpoint.TopicServedVersion;
import io.openmede.trainer.eval.GuardList;
import io.openmede.trainer.meta.ClipModelGradientSource;
import io.openmede.trainer.meta.UpdateReport;
import io.openmede.trainer.state.TrainerStateStore;
import io.openmede.trainer.stream.KafkaClipSource;
import io.openmede.trainer.stream.KafkaDeadLetterSink;
import io.openmede.trainer.stream.RawClipRecord;
import io.openmede.trainer.stream.TextTowerClassEmbeddings;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer service: wires the model, the labeled-clips consumer, the dead-letter and
 * announcement producers, the checkpoint store and the state store around a {@link TrainingLoop},
 * and runs it until stopped (or until trainer.stop-after-updates), printing a progress line.
 *
 * <p>Lifecycle: {@link #create}, then either {@link #startLoop()} (the loop on a thread of its own,
 * as {@code openmede train} and the demo run it through the {@link
 * io.openmede.platform.service.ServiceSkeleton}) or {@link #run()} on the caller's thread; {@link
 * #stop} from any thread (it waits until the state is saved); {@link #close()} stops the loop if it
 * runs and frees everything.
 */
public final class TrainerService implements RunningService {

  private static final Logger LOG = LoggerFactory.getLogger(TrainerService.class);

  /** How long {@link #close()} waits for a running loop to save its state. */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

  private final TrainerSettings settings;
  private final KafkaClipSource source;
  private final TrainingLoop loop;
  private final Resources opened;

  /**
   * Ends the registry waits of the cluster the service reads ({@link Cluster#registryWaitsEnd}).
   */
  private volatile AutoCloseable registryWaitsEnd = () -> {};

  private final TrainerMetrics metrics = new TrainerMetrics();
  private volatile Optional<ServiceEndpoint> http = Optional.empty();
  private final CountDownLatch done = new CountDownLatch(1);
  private final CompletableFuture<Void> finished = new CompletableFuture<>();
  private volatile boolean started;
  private volatile boolean stopping;
  private volatile boolean running;
  private volatile boolean ended;
  private final Health health = new Health("trainer");

  private TrainerService(
      TrainerSettings settings, KafkaClipSource source, TrainingLoop loop, Resources opened) {
    this.settings = settings;
    this.source = source;
    this.loop = loop;
    this.opened = opened;
    health.register(
        "training",
        () -> {
          if (running) {
            return Health.Report.ready();
          }
          if (ended) {
            return stopping || loop.finished()
                ? Health.Report.notReady("stopped")
                : Health.Report.dead("the training loop stopped on an error (see the log)");
          }
          return Health.Report.notReady("starting: restoring state and seeking the clips");
        });
  }

  /**
   * Loads the model, connects to Kafka and the registry, provisions missing topics (unless the
   * cluster's settings say not to).
   */
  public static TrainerService create(TrainerSettings settings, Cluster cluster)
      throws IOException {
    return create(settings, cluster, true);
  }

  /**
   * As {@link #create(TrainerSettings, Cluster)}; {@code createTopics} false leaves topics alone.
   */
  public static TrainerService create(
      TrainerSettings settings, Cluster cluster, boolean createTopics) throws IOException {
    Optional<KeyPair> signingKey = signingKey(settings);
    Optional<Path> weights =
        settings.weights().isPresent()
            ? settings.weights()
            : DefaultWeights.defaultFor(settings.modelPreset());
    try (Resources opened = new Resources("trainer")) {
      ClipModel model =
          opened.add(
              weights.isPresent()
                  ? ClipModel.load(weights.get(), settings.device())
                  : ClipModel.random(
                      ClipConfig.preset(settings.modelPreset()),
                      settings.seed(),
                      settings.device()));
      Topics topics = cluster.topics();
      Map<String, Object> client = cluster.clientConfig();
      if (createTopics) {
        cluster.ensureTopics();
      }
      KafkaClipSource source =
          opened.add(
              new KafkaClipSource(
                  client, topics.labeledClips().name(), topics.labeledClips().maxMessageBytes()));
      KafkaDeadLetterSink dead = opened.add(new KafkaDeadLetterSink(client, topics.deadLetters()));
      KafkaAnnouncementSink ann =
          opened.add(new KafkaAnnouncementSink(client, topics.checkpoints()));
      Deserializer<LabeledClip> des = topics.labeledClips().valueSerde().deserializer();
      Function<RawClipRecord, LabeledClip> decode = r -> des.deserialize(r.topic(), r.value());
      CheckpointPublisher publisher =
          new CheckpointPublisher(
              new DirectoryCheckpointStore(settings.checkpointDir()),
              ann,
              settings.modelName(),
              settings.modelPreset(),
              signingKey);
      TrainingLoop loop =
          opened.add(
              new TrainingLoop(
                  settings,
                  new ClipModelGradientSource(model),
                  new TextTowerClassEmbeddings(model),
                  new TrainingLoop.Outputs(
                      dead, Optional.of(publisher), new TrainerStateStore(settings.stateDir())),
                  decode,
                  weights.map(p -> p.getFileName().toString())));
      if (settings.guardList().isPresent()) {
        loadGuardList(settings, model.config().imageResolution(), loop);
      }
      List<PublicKey> operators = operatorKeys(settings);
      if (!operators.isEmpty() && settings.gate().isPresent()) {
        loop.setServedVersion(
            new TopicServedVersion(
                cluster, settings.modelName(), operators, signingKey.map(KeyPair::getPublic)));
        LOG.info(
            "the gate compares each candidate with what the recognizers serve, following the"
                + " decisions of operator key {}",
            String.join(" or ", operators.stream().map(CheckpointSigning::keyId).toList()));
      }
      TrainerService service = new TrainerService(settings, source, loop, opened.keep());
      cluster.waitForRegistry(service.health);
      service.registryWaitsEnd = cluster.registryWaitsEnd();
      return service;
    }
  }

  /**
   * Decodes the guard list once (trainer.guard.list) into the gate's guard set; skipped videos are
   * logged with their reason. A missing or oversized list stops the start, naming the setting.
   */
  static void loadGuardList(TrainerSettings settings, int side, TrainingLoop loop)
      throws IOException {
    Path list = settings.guardList().get();
    long start = System.nanoTime();
    GuardList.Loaded loaded =
        GuardList.read(
            list,
            settings.frames(),
            side,
            java.util.Set.copyOf(settings.vocabulary()),
            settings.guardBounds());
    List<String> problems = new java.util.ArrayList<>(loaded.problems());
    problems.addAll(loop.addGuardClips(loaded.clips()));
    for (String p : problems.subList(0, Math.min(problems.size(), 50))) {
      LOG.warn("guard list: {}", p);
    }
    if (problems.size() > 50) {
      LOG.warn("guard list: {} more problems not shown", problems.size() - 50);
    }
    LOG.info(
        "guard list {}: {} clips for the gate ({} labels), {} skipped, decoded in {} ms",
        list,
        loop.guardListClips().size(),
        loop.guardListClips().stream().map(c -> c.label()).distinct().count(),
        problems.size(),
        (System.nanoTime() - start) / 1_000_000);
  }

  /**
   * Reads the operators' public keys (trainer.gate.operator-keys), naming the fix when one fails.
   */
  private static List<PublicKey> operatorKeys(TrainerSettings settings) {
    List<PublicKey> keys = new java.util.ArrayList<>();
    for (Path file : settings.operatorKeys()) {
      try {
        keys.add(KeyFiles.readPublic(file));
      } catch (IOException e) {
        throw new SettingsException(
            TrainerSettings.GATE_OPERATOR_KEYS.name()
                + ": "
                + e.getMessage()
                + "; give the operators' public key files (NAME.pub from openmede keys generate"
                + " --operator), as in recognizer.checkpoints.operator-keys");
      }
    }
    return keys;
  }

  /** Reads the signing key before anything else starts, naming the fix when it cannot. */
  private static Optional<KeyPair> signingKey(TrainerSettings settings) {
    if (settings.signingKey().isEmpty()) {
      LOG.info(
          "checkpoint announcements are unsigned (no {}); recognizers that require signatures"
              + " will refuse them",
          TrainerSettings.SIGNING_KEY.name());
      return Optional.empty();
    }
    Path file = settings.signingKey().get();
    try {
      KeyPair key = KeyFiles.readPair(file);
      LOG.info(
          "signing checkpoint announcements with key {} ({})",
          CheckpointSigning.keyId(key.getPublic()),
          file);
      return Optional.of(key);
    } catch (IOException e) {
      throw new SettingsException(
          TrainerSettings.SIGNING_KEY.name()
              + ": "
              + e.getMessage()
              + "; make a key pair with 'openmede keys generate --out DIR' or clear the setting");
    }
  }

  /**
   * Runs until {@link #stop()} or trainer.stop-after-updates; saves the state on the way out.
   * Serves the metrics on trainer.metrics.port (when set) from the start until {@link #close()}.
   */
  public void run() throws IOException {
    started = true;
    try {
      serveMetrics();
      Map<Integer, Long> offsets = loop.start();
      metrics.startFrom(loop);
      source.seek(offsets);
      running = true;
      LOG.info(
          "trainer running: method {}, N={} B={} T={}, delta={}, alpha {}, resuming at {}",
          settings.method().summaryName(),
          settings.optimizer().tasksPerUpdate(),
          settings.optimizer().batchSize(),
          settings.frames(),
          settings.optimizer().delta(),
          settings.optimizer().innerStep(),
          offsets.isEmpty() ? "the beginning" : offsets);
      long startNanos = System.nanoTime();
      long startUpdates = loop.progress().updates();
      long startClips = loop.progress().clips();
      long nextProgress = System.nanoTime() + settings.progressInterval().toNanos();
      outer:
      while (!stopping && !loop.finished()) {
        List<RawClipRecord> records = source.poll(Duration.ofMillis(200));
        for (RawClipRecord r : records) {
          if (stopping) {
            break outer;
          }
          try {
            loop.accept(r);
          } catch (RuntimeException e) {
            if (stopping && io.openmede.schemas.registry.SchemaRegistryException.transientIn(e)) {
              LOG.info(
                  "stopping while the schema registry is away: the clip at {}-{}@{} is read again"
                      + " at the next start",
                  r.topic(),
                  r.partition(),
                  r.offset());
              break outer;
            }
            throw e;
          }
          metrics.observe(loop);
          if (loop.finished()) {
            break outer;
          }
        }
        if (System.nanoTime() >= nextProgress) {
          LOG.info(progressLine(startNanos, startUpdates, startClips));
          nextProgress = System.nanoTime() + settings.progressInterval().toNanos();
        }
      }
      loop.saveState();
      LOG.info("trainer stopped; state saved: {}", loop.progress());
      if (loop.finished()) {
        finished.complete(null);
      }
    } catch (IOException | RuntimeException e) {
      running = false;
      ended = true;
      health.fail("training", "the training loop stopped: " + e);
      throw e;
    } finally {
      running = false;
      ended = true;
      done.countDown();
    }
  }

  /**
   * Runs {@link #run()} on a thread of its own ("trainer"); a failure there is logged and makes the
   * health dead.
   *
   * @return this service
   */
  public TrainerService startLoop() {
    started = true;
    Thread t =
        new Thread(
            () -> {
              try {
                run();
              } catch (IOException | RuntimeException e) {
                LOG.error("trainer stopped: {}", e.getMessage(), e);
              }
            },
            "trainer");
    t.setDaemon(true);
    t.start();
    return this;
  }

  /** Completes when trainer.stop-after-updates is reached and the state is saved. */
  @Override
  public CompletionStage<Void> finished() {
    return finished;
  }

  /**
   * What the trainer says about itself: ready while the loop consumes clips, not live once it
   * stopped on an error.
   */
  @Override
  public Health health() {
    return health;
  }

  private void serveMetrics() throws IOException {
    if (http.isEmpty()) {
      http = ServiceSkeleton.endpoint(opened, settings.metricsPort(), health, metrics.registry());
    }
  }

  private String progressLine(long startNanos, long startUpdates, long startClips) {
    double secs = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
    var p = loop.progress();
    Optional<UpdateReport> r = loop.lastReport();
    return String.format(
        "progress: updates=%d updates/s=%.3f clips/s=%.1f loss=%s lr=%s cycle=%s dead-letters=%d"
            + " last-checkpoint=%s",
        p.updates(),
        (p.updates() - startUpdates) / secs,
        (p.clips() - startClips) / secs,
        r.map(x -> String.format("%.4f", x.loss())).orElse("-"),
        r.map(x -> String.format("%.3g", x.beta())).orElse("-"),
        loop.cyclePosition(),
        loop.deadLettered(),
        p.lastCheckpoint().orElse("none"));
  }

  /** Asks {@link #run()} to finish and waits (up to {@code timeout}) until the state is saved. */
  public void stop(Duration timeout) {
    stopping = true;
    try {
      registryWaitsEnd.close(); // a clip waiting for an absent registry gives up now
    } catch (Exception e) {
      LOG.warn("ending the registry waits failed: {}", e.toString());
    }
    source.wakeup();
    try {
      done.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The metrics (served on trainer.metrics.port when set). */
  public TrainerMetrics metrics() {
    return metrics;
  }

  /** The loop (for its progress). */
  public TrainingLoop loop() {
    return loop;
  }

  /**
   * Stops the loop if it runs (its state is saved first, waiting up to a minute), frees the rest.
   */
  @Override
  public void close() {
    if (started) {
      stop(STOP_TIMEOUT);
    }
    opened.close();
  }
}
