package io.openmede.recognizer;

import io.openmede.model.ClassTextEncoder;
import io.openmede.model.ClipConfig;
import io.openmede.model.ClipModel;
import io.openmede.model.ComputeDevice;
import io.openmede.model.DefaultWeights;
import io.openmede.model.TorchThreads;
import io.openmede.model.text.ClipTokenizer;
import io.openmede.platform.health.Health;
import io.openmede.platform.health.StreamsHealth;
import io.openmede.platform.health.ThreadFailurePolicy;
import io.openmede.platform.service.Resources;
import io.openmede.platform.service.RunningService;
import io.openmede.platform.service.ServiceSkeleton;
import io.openmede.platform.signing.KeyFiles;
import io.openmede.recognizer.metrics.RecognizerMetrics;
import io.openmede.recognizer.score.ModelClipScorer;
import io.openmede.recognizer.score.ScorerPool;
import io.openmede.recognizer.score.ScoringMode;
import io.openmede.recognizer.swap.CheckpointFetcher;
import io.openmede.recognizer.swap.CheckpointFollower;
import io.openmede.recognizer.swap.CheckpointInstaller;
import io.openmede.recognizer.swap.CheckpointPolicy;
import io.openmede.recognizer.swap.ClipModelLoader;
import io.openmede.recognizer.swap.ModelSlot;
import io.openmede.recognizer.vocabulary.ClassEmbeddingCache;
import io.openmede.schemas.checkpoint.CheckpointSigning;
import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.topic.KafkaRefusedRecords;
import io.openmede.schemas.topic.Topics;
import io.openmede.settings.SettingsException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running recognizer: one model replica per configured device, the topology in Kafka Streams, a
 * checkpoint follower, and the Prometheus endpoint.
 *
 * <p>Lifecycle: {@link #start} builds and starts everything; {@link #close()} stops the follower,
 * closes Kafka Streams (committing the last transaction), then the models and the endpoint.
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
  private final List<ModelSlot<ClipModel>> slots;
  private final RecognizerMetrics metrics;
  private final Health health;
  private final Resources opened;
  private volatile boolean closed;

  private RecognizerService(
      KafkaStreams streams,
      List<ModelSlot<ClipModel>> slots,
      Optional<CheckpointFollower> follower,
      RecognizerMetrics metrics,
      Health health,
      Resources opened) {
    this.streams = streams;
    this.slots = slots;
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
   * Asks for libtorch's intra-op threads ({@code recognizer.model.threads}) for the engine, which
   * reads them when this process loads its first model; a different value asked for before (a JVM
   * option, or a model loaded already) is kept and logged.
   */
  static void applyModelThreads(int threads) {
    if (threads <= 0) {
      return;
    }
    OptionalInt before = TorchThreads.requested();
    if (before.isEmpty()) {
      TorchThreads.set(threads);
    } else if (before.getAsInt() != threads) {
      LOG.warn(
          "{}={} ignored: libtorch intra-op threads were already set to {} in this process"
              + " (-D{})",
          RecognizerSettings.MODEL_THREADS.name(),
          threads,
          before.getAsInt(),
          TorchThreads.PROPERTY);
    }
  }

  /**
   * Starts the recognizer: opens the model replicas, the dead-letter producer, Kafka Streams, the
   * checkpoint follower and the endpoint in that order; if a step throws, what was opened before it
   * is closed again.
   *
   * @param streamsOverrides extra Kafka Streams properties (e.g. {@code
   *     consumer.session.timeout.ms} in tests); they win over the derived ones
   * @throws IOException when the initial weights cannot be read
   */
  public static RecognizerService start(
      Cluster cluster, RecognizerSettings settings, Map<String, Object> streamsOverrides)
      throws IOException {
    CheckpointPolicy policy = checkpointPolicy(settings);
    RecognizerMetrics metrics = new RecognizerMetrics();
    Health health = new Health("recognizer");
    try (Resources opened = new Resources("recognizer")) {
      ServiceSkeleton.endpoint(opened, settings.metricsPort(), health, metrics.registry());
      applyModelThreads(settings.modelThreads());
      List<ComputeDevice> devices = devices(settings);
      Optional<Path> weights =
          settings.weights().isPresent()
              ? settings.weights()
              : DefaultWeights.defaultFor(settings.preset());
      String version = initialVersion(settings, weights);
      List<ModelSlot<ClipModel>> slots = new ArrayList<>();
      for (ComputeDevice d : devices) {
        slots.add(opened.add(replica(settings, weights, d, version), ModelSlot::close));
      }
      metrics.servingModel(version);
      ClassEmbeddingCache classes =
          new ClassEmbeddingCache(
              ClipTokenizer.standard()::encodePadded, ClassTextEncoder.DEFAULT_TEMPLATES);
      List<ModelClipScorer> scorers =
          slots.stream().map(s -> new ModelClipScorer(s, classes)).toList();
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
              settings,
              ScorerPool.roundRobin(scorers),
              metrics,
              ScoringMode.PIPELINED,
              letters);
      KafkaStreams streams =
          opened.add(
              new KafkaStreams(
                  topology,
                  streamsProperties(cluster, settings, topics, metrics, streamsOverrides)),
              s -> s.close(Duration.ofSeconds(30)));
      streams.setUncaughtExceptionHandler(
          StreamsHealth.handler(
              new ThreadFailurePolicy(
                  "recognizer",
                  MAX_THREAD_REPLACEMENTS,
                  Duration.ofMinutes(1),
                  MAX_FAILURES_WITHOUT_PROGRESS,
                  () -> (long) metrics.frameBatches.get(),
                  "frame batch")));
      Optional<CheckpointFollower> follower =
          settings.followCheckpoints()
              ? Optional.of(
                  opened.add(
                      follower(
                          cluster, settings, topics, devices, slots, classes, policy, metrics,
                          letters)))
              : Optional.empty();
      health.register("model", Health.Report::ready); // loaded above, before anything serves
      RecognizerService service =
          new RecognizerService(streams, slots, follower, metrics, health, opened.keep());
      streams.start();
      follower.ifPresent(CheckpointFollower::start);
      ServiceSkeleton.watch(service.opened, health);
      LOG.info(
          "recognizer {} started: model {} on {}, window {}, batch <= {} within {} ms, {}",
          settings.applicationId(),
          version,
          devices,
          settings.window(),
          settings.maxBatchSize(),
          settings.maxBatchDelay().toMillis(),
          settings.guarantee().streamsValue());
      return service;
    }
  }

  /** The devices of the model replicas, each able to run the configured number type. */
  private static List<ComputeDevice> devices(RecognizerSettings settings) {
    List<ComputeDevice> devices = settings.devices().stream().map(ComputeDevice::parse).toList();
    for (ComputeDevice d : devices) {
      settings
          .modelDtype()
          .unsupportedOn(d)
          .ifPresent(
              why -> {
                throw new SettingsException(RecognizerSettings.MODEL_DTYPE.name() + ": " + why);
              });
    }
    return devices;
  }

  /** One model replica on {@code device}, loaded, warmed up and put in a slot. */
  private static ModelSlot<ClipModel> replica(
      RecognizerSettings settings, Optional<Path> weights, ComputeDevice device, String version)
      throws IOException {
    ClipModel m =
        ClipModelLoader.inferringIn(
            weights.isPresent()
                ? ClipModel.load(weights.get(), device)
                : ClipModel.random(ClipConfig.preset(settings.preset()), settings.seed(), device),
            settings.modelDtype());
    try {
      ClipModelLoader.warmUp(m, settings.window().frames());
      m.textTowerHash(); // the class embeddings' key: hashed now, not on the first batch
      return ModelSlot.closingInBackground(m, version);
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  /** Kafka Streams' properties: the cluster's client config, the settings, then the overrides. */
  static Properties streamsProperties(
      Cluster cluster,
      RecognizerSettings settings,
      RecognizerTopics topics,
      RecognizerMetrics metrics,
      Map<String, Object> overrides) {
    Properties props = new Properties();
    props.putAll(cluster.clientConfig());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, settings.guarantee().streamsValue());
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.streamThreads());
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.commitInterval().toMillis());
    props.put(StreamsConfig.producerPrefix("linger.ms"), settings.producerLinger().toMillis());
    props.put(
        StreamsConfig.consumerPrefix("fetch.max.wait.ms"),
        (int) Math.min(Integer.MAX_VALUE, settings.fetchMaxWait().toMillis()));
    props.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toString());
    // an idle stream thread blocks in poll this long before it punctuates: short, so that a
    // pipelined batch that is done is forwarded soon even when no record arrives
    props.put(StreamsConfig.POLL_MS_CONFIG, 10L);
    props.put(
        StreamsConfig.producerPrefix("max.request.size"),
        Topics.FRAME_TOPIC_MAX_MESSAGE_BYTES + Topics.SMALL_TOPIC_MAX_MESSAGE_BYTES);
    props.put(
        StreamsConfig.consumerPrefix("max.partition.fetch.bytes"),
        Topics.FRAME_TOPIC_MAX_MESSAGE_BYTES + 64 * 1024);
    Map<Object, Object> handlers = new java.util.HashMap<>();
    DeadLetterExceptionHandlers.configure(handlers, topics, metrics);
    props.putAll(handlers);
    props.putAll(overrides);
    return props;
  }

  /** The checkpoint follower: installs announced checkpoints into every replica's slot. */
  private static CheckpointFollower follower(
      Cluster cluster,
      RecognizerSettings settings,
      RecognizerTopics topics,
      List<ComputeDevice> devices,
      List<ModelSlot<ClipModel>> slots,
      ClassEmbeddingCache classes,
      CheckpointPolicy policy,
      RecognizerMetrics metrics,
      KafkaRefusedRecords letters) {
    CheckpointInstaller<ClipModel> installer =
        new CheckpointInstaller<>(
            new CheckpointFetcher(settings.checkpointCache(), settings.checkpointRoots()),
            slots,
            new ClipModelLoader(
                devices, settings.modelDtype(), settings.window().frames(), classes::prepare),
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
            },
            policy);
    Map<String, Object> cc = cluster.consumerConfig(settings.applicationId() + "-checkpoints");
    cc.remove("group.id");
    return new CheckpointFollower(
        new KafkaConsumer<>(cc, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
        topics.checkpointSerde().deserializer(),
        topics.checkpoints(),
        settings.modelName(),
        installer,
        why -> metrics.checkpointsRefused.labelValues("record").inc(),
        letters);
  }

  /** Reads the trusted keys before anything starts, naming the fix when one cannot be read. */
  static CheckpointPolicy checkpointPolicy(RecognizerSettings settings) {
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
    if (settings.followCheckpoints()) {
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
    return new CheckpointPolicy(keys, settings.allowDowngrade());
  }

  /** The version name of the initial weights: file name and hash, or the random seed. */
  static String initialVersion(RecognizerSettings s, Optional<Path> weights) throws IOException {
    if (weights.isEmpty()) {
      return "random-" + s.preset() + "-seed-" + s.seed();
    }
    Path w = weights.get();
    try (InputStream in =
        new DigestInputStream(Files.newInputStream(w), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return w.getFileName().toString().replaceFirst("\\.safetensors$", "")
          + "@"
          + HexFormat.of()
              .formatHex(((DigestInputStream) in).getMessageDigest().digest())
              .substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
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
    return slots.get(0).version();
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
