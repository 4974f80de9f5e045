package io.openmede.recognizer;

import io.openmede.model.ClipModel;
import io.openmede.platform.health.Health;
import io.openmede.platform.health.StreamsHealth;
import io.openmede.platform.health.ThreadFailurePolicy;
import io.openmede.platform.service.Resources;
import io.openmede.platform.service.RunningService;
import io.openmede.platform.service.ServiceSkeleton;
import io.openmede.platform.signing.KeyFiles;
import io.openmede.recognizer.metrics.RecognizerMetrics;
import io.openmede.recognizer.score.ScoringMode;
import io.openmede.recognizer.swap.CheckpointFetcher;
import io.openmede.recognizer.swap.CheckpointFollower;
import io.openmede.recognizer.swap.CheckpointInstaller;
import io.openmede.recognizer.swap.CheckpointPolicy;
import io.openmede.recognizer.swap.ServingMemory;
import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.checkpoint.CheckpointSigning;
import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.topic.KafkaRefusedRecords;
import io.openmede.schemas.topic.StreamsDeadLetters;
import io.openmede.settings.SettingsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running recognizer: one model replica per configured device ({@link ModelReplicas}), the
 * topology in Kafka Streams, a checkpoint follower, and the Prometheus endpoint.
 *
 * <p>Lifecycle: {@link #start} opens everything in order, through the {@link ServiceSkeleton}'s
 * {@link Resources}; {@link #close()} closes it in the reverse order: the follower, Kafka Streams
 * (committing the last transaction), the dead-letter producer, the models, the endpoint.
 * Thread-safe to close from a shutdown hook.
 */
public final class RecognizerService implements RunningService {

  private static final Logger LOG = LoggerFactory.getLogger(RecognizerService.class);

  /**
   * Stream threads that fail are replaced, this many times a minute at most: a failure that repeats
   * (an input topic deleted, a state directory gone) ends the client in ERROR, so that the service
   * says it is not live and exits rather than replacing threads forever.
   */
  static final int MAX_THREAD_REPLACEMENTS = 5;

  /**
   * Stream threads that fail this many times in a row with no frame batch read in between end the
   * client too, however slowly they fail: a broker that refuses the recognizer's transactions makes
   * each replacement fail only after the group's session timeout (45 s), which the rate rule alone
   * never catches.
   */
  static final int MAX_FAILURES_WITHOUT_PROGRESS = 3;

  private final KafkaStreams streams;
  private final ModelReplicas models;
  private final RecognizerMetrics metrics;
  private final Health health;
  private final Resources opened;
  private volatile boolean closed;

  private RecognizerService(
      KafkaStreams streams,
      ModelReplicas models,
      Optional<CheckpointFollower> follower,
      RecognizerMetrics metrics,
      Health health,
      Resources opened) {
    this.streams = streams;
    this.models = models;
    this.metrics = metrics;
    this.health = health;
    this.opened = opened;
    health.register(
        "streams", () -> StreamsHealth.report(streams.state(), closed, "no window is recognized"));
    follower.ifPresent(
        f ->
            health.register(
                "checkpoint-follower",
                () ->
                    closed
                        ? Health.Report.ready()
                        : f.report(
                            "the checkpoint follower stopped: announced checkpoints are no"
                                + " longer swapped in (see the log)")));
  }

  /**
   * Starts the recognizer: opens the endpoint, the model replicas, the dead-letter producer, Kafka
   * Streams and the checkpoint follower in that order; if a step throws, what was opened before it
   * is closed again.
   *
   * @param streamsOverrides extra Kafka Streams properties (e.g. {@code
   *     consumer.session.timeout.ms} in tests); they win over the derived ones
   * @throws IOException when the initial weights cannot be read
   */
  public static RecognizerService start(
      Cluster cluster, RecognizerSettings settings, Map<String, Object> streamsOverrides)
      throws IOException {
    CheckpointPolicy policy = checkpointPolicy(settings.checkpoints());
    RecognizerMetrics metrics = new RecognizerMetrics();
    Health health = new Health("recognizer");
    cluster.waitForRegistry(health);
    try (Resources opened = new Resources("recognizer")) {
      ServiceSkeleton.endpoint(opened, settings.metricsPort(), health, metrics.registry());
      int frames = settings.topology().window().frames();
      ModelReplicas models = ModelReplicas.load(settings.model(), frames, opened);
      metrics.servingModel(models.version());
      io.prometheus.metrics.core.metrics.CounterWithCallback.builder()
          .name("openmede_recognizer_class_embeddings_evicted")
          .help(
              "Class embeddings dropped from the cache because their class (label and prompts)"
                  + " left the vocabulary.")
          .callback(c -> c.call(models.classEmbeddingsEvicted()))
          .register(metrics.registry());
      io.prometheus.metrics.core.metrics.GaugeWithCallback.builder()
          .name("openmede_recognizer_class_embeddings")
          .help("Class embeddings kept in the cache (bounded by the vocabulary).")
          .callback(c -> c.call(models.classEmbeddingsKept()))
          .register(metrics.registry());
      RecognizerTopics topics = RecognizerTopics.from(cluster.topics());
      KafkaRefusedRecords letters =
          opened.add(
              new KafkaRefusedRecords(
                  cluster.clientConfig(),
                  cluster.topics().deadLetters(),
                  RecognizerMetrics.SERVICE));
      Topology topology =
          RecognitionTopology.build(
              topics,
              settings.topology(),
              models.scorers(),
              metrics,
              settings.threads().scoring(ScoringMode.PIPELINED),
              letters);
      KafkaStreams streams =
          opened.add(
              streams(topology, cluster, settings.streams(), topics, metrics, streamsOverrides),
              s -> s.close(Duration.ofSeconds(30)));
      Optional<CheckpointFollower> follower = Optional.empty();
      if (settings.checkpoints().follow()) {
        CheckpointInstaller<ClipModel> installer = installer(settings, models, policy, metrics);
        // before anything is scored: serve again what was served before a restart
        installer.resume();
        if (settings.checkpoints().warmSwap() && !installer.swappedOnce()) {
          rehearseSwap(installer, models, settings.checkpoints().cache());
        }
        follower =
            Optional.of(
                opened.add(follower(cluster, settings, topics, installer, metrics, letters)));
      }
      health.register("model", Health.Report::ready); // loaded above, before anything serves
      RecognizerService service =
          new RecognizerService(streams, models, follower, metrics, health, opened.keep());
      streams.start();
      follower.ifPresent(CheckpointFollower::start);
      ServiceSkeleton.watch(service.opened, health);
      // closed first: Kafka Streams begins to shut down (so that no stream thread is replaced),
      // then a thread waiting for an absent registry gives up at once, and the close goes on
      service.opened.add(
          () -> {
            streams.close(Duration.ZERO);
            cluster.stopWaitingForRegistry();
          });
      LOG.info(
          "recognizer {} started: model {} on {}, window {}, batch <= {} within {} ms, {}",
          settings.streams().applicationId(),
          models.version(),
          models.devices(),
          settings.topology().window(),
          settings.topology().maxBatchSize(),
          settings.topology().maxBatchDelay().toMillis(),
          settings.streams().guarantee().streamsValue());
      return service;
    }
  }

  /**
   * The Kafka Streams client of {@code topology}: properties from {@link
   * StreamsSettings#properties}, the dead-letter exception handlers, then {@code overrides}; a
   * failed stream thread is replaced within the {@link ThreadFailurePolicy}.
   */
  private static KafkaStreams streams(
      Topology topology,
      Cluster cluster,
      StreamsSettings settings,
      RecognizerTopics topics,
      RecognizerMetrics metrics,
      Map<String, Object> overrides) {
    Properties props = settings.properties(cluster.clientConfig());
    Map<Object, Object> handlers = new HashMap<>();
    StreamsDeadLetters.configure(
        handlers, cluster.topics().deadLetters(), RecognizerMetrics.SERVICE, metrics.deadLetters);
    props.putAll(handlers);
    props.putAll(overrides);
    KafkaStreams streams = new KafkaStreams(topology, props);
    streams.setUncaughtExceptionHandler(
        StreamsHealth.handler(
            new ThreadFailurePolicy(
                "recognizer",
                MAX_THREAD_REPLACEMENTS,
                Duration.ofMinutes(1),
                MAX_FAILURES_WITHOUT_PROGRESS,
                () -> (long) metrics.frameBatches.get(),
                "frame batch")));
    return streams;
  }

  /** Installs announced checkpoints into every replica's slot, remembering what it serves. */
  private static CheckpointInstaller<ClipModel> installer(
      RecognizerSettings settings,
      ModelReplicas models,
      CheckpointPolicy policy,
      RecognizerMetrics metrics) {
    CheckpointSettings checkpoints = settings.checkpoints();
    return new CheckpointInstaller<>(
        new CheckpointFetcher(checkpoints.cache(), checkpoints.roots()),
        models.slots(),
        models.loader(settings.model(), settings.topology().window().frames()),
        new CheckpointInstaller.Listener() {
          @Override
          public void installed(String v) {
            metrics.checkpointsInstalled.inc();
            metrics.servingModel(v);
          }

          @Override
          public void refused(String v, String reason) {
            metrics.checkpointsRefused.labelValues(reason).inc();
          }

          @Override
          public void swapping(CheckpointAnnouncement a) {
            models.thresholds().offer(a);
          }

          @Override
          public void pinned(boolean pinned) {
            metrics.modelPinned.set(pinned ? 1 : 0);
          }
        },
        policy,
        ServingMemory.in(servingMemoryFile(settings)));
  }

  /**
   * Rehearses a checkpoint swap on the initial weights ({@link CheckpointInstaller#rehearse};
   * random initial weights are saved to a file in {@code cache} first), so that the first real swap
   * does not compile its code on the cores that serve. A failure is logged and the start goes on:
   * the first swap is then only less smooth.
   */
  private static void rehearseSwap(
      CheckpointInstaller<ClipModel> installer, ModelReplicas models, Path cache) {
    long t0 = System.nanoTime();
    Path saved = null;
    try {
      Path weights;
      if (models.weights().isPresent()) {
        weights = models.weights().get();
      } else {
        Files.createDirectories(cache);
        saved = Files.createTempFile(cache, "rehearsal-initial-", ".tmp");
        models.slots().get(0).peek().saveSafetensors(saved);
        weights = saved;
      }
      installer.rehearse(weights);
      LOG.info(
          "checkpoint swap rehearsed on the initial weights in {} ms, so that the first swap is as"
              + " smooth as the later ones ({}=false skips it)",
          (System.nanoTime() - t0) / 1_000_000,
          RecognizerSettings.WARM_SWAP.name());
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "the checkpoint swap could not be rehearsed at start ({}); the first swap compiles its"
              + " code while the recognizer serves",
          e.toString());
    } finally {
      if (saved != null) {
        try {
          Files.deleteIfExists(saved);
        } catch (IOException e) {
          LOG.debug("could not delete {}", saved, e);
        }
      }
    }
  }

  /** Where a recognizer keeps what it serves: beside its state stores, per application and line. */
  static Path servingMemoryFile(RecognizerSettings settings) {
    return settings
        .streams()
        .stateDir()
        .resolve(
            settings.streams().applicationId()
                + ".serving-"
                + settings.checkpoints().modelName()
                + ".properties");
  }

  /** The checkpoint follower: hands each announcement of the line to {@code installer}. */
  private static CheckpointFollower follower(
      Cluster cluster,
      RecognizerSettings settings,
      RecognizerTopics topics,
      CheckpointInstaller<ClipModel> installer,
      RecognizerMetrics metrics,
      KafkaRefusedRecords letters) {
    CheckpointSettings checkpoints = settings.checkpoints();
    Map<String, Object> cc =
        cluster.consumerConfig(settings.streams().applicationId() + "-checkpoints");
    cc.remove("group.id");
    return new CheckpointFollower(
        new KafkaConsumer<>(cc, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
        topics.checkpointSerde().deserializer(),
        topics.checkpoints(),
        checkpoints.modelName(),
        installer,
        why -> metrics.checkpointsRefused.labelValues("record").inc(),
        letters);
  }

  /** Reads the trusted keys before anything starts, naming the fix when one cannot be read. */
  static CheckpointPolicy checkpointPolicy(CheckpointSettings settings) {
    List<PublicKey> keys = new ArrayList<>();
    for (Path file : settings.trustedKeys()) {
      try {
        keys.add(KeyFiles.readPublic(file));
      } catch (IOException e) {
        throw new SettingsException(
            RecognizerSettings.TRUSTED_KEYS.name()
                + ": "
                + e.getMessage()
                + "; give the trainer's public key file (NAME.pub from openmede keys generate)");
      }
    }
    if (settings.follow()) {
      if (keys.isEmpty()) {
        LOG.warn(
            "announced checkpoints are installed without a signature check: set {} to the"
                + " trainer's public key to refuse checkpoints it did not sign",
            RecognizerSettings.TRUSTED_KEYS.name());
      } else {
        LOG.info(
            "announced checkpoints must be signed by key {}",
            String.join(" or ", keys.stream().map(CheckpointSigning::keyId).toList()));
      }
    }
    List<PublicKey> operators = new ArrayList<>();
    for (Path file : settings.operatorKeys()) {
      try {
        operators.add(KeyFiles.readPublic(file));
      } catch (IOException e) {
        throw new SettingsException(
            RecognizerSettings.OPERATOR_KEYS.name()
                + ": "
                + e.getMessage()
                + "; give the operators' public key files (NAME.pub from openmede keys generate"
                + " --operator)");
      }
    }
    if (settings.follow() && !operators.isEmpty()) {
      LOG.info(
          "operator decisions (promote, rollback, unpin) must be signed by key {}",
          String.join(" or ", operators.stream().map(CheckpointSigning::keyId).toList()));
    }
    return new CheckpointPolicy(keys, settings.allowDowngrade(), operators);
  }

  /** The Kafka Streams instance. */
  public KafkaStreams streams() {
    return streams;
  }

  /**
   * What the service says about itself: ready once Kafka Streams is RUNNING (the model is loaded
   * before), not live once Kafka Streams is in ERROR or stopped by itself, or the checkpoint
   * follower stopped.
   */
  @Override
  public Health health() {
    return health;
  }

  /** The metrics. */
  public RecognizerMetrics metrics() {
    return metrics;
  }

  /** The model version served (by the first replica). */
  public String servingVersion() {
    return models.serving();
  }

  /** Waits until Kafka Streams is running. */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    return StreamsHealth.awaitRunning(streams, timeout);
  }

  /**
   * Stops the health watch, the checkpoint follower, Kafka Streams (committing the last
   * transaction), the dead-letter producer, the models and the endpoint: what {@link #start}
   * opened, in the reverse order.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    opened.close();
    LOG.info("recognizer stopped");
  }
}
