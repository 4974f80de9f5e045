package io.openmede.recognizer;

import io.openmede.model.InferenceDtype;
import io.openmede.model.openset.OpenSetScore;
import io.openmede.recognizer.window.WindowConfig;
import io.openmede.recognizer.window.WindowSpacing;
import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.topic.ConnectionSettings;
import io.openmede.schemas.values.InputBounds;
import io.openmede.settings.Setting;
import io.openmede.settings.Settings;
import io.openmede.settings.SettingsGroup;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The recognizer's settings, declared once (the constants below, one table with {@code openmede
 * settings}) and converted once into this immutable record of typed groups, so that each part of
 * the recognizer takes only the group it reads: the topology its {@link TopologySettings}, Kafka
 * Streams its {@link StreamsSettings}, the model replicas their {@link ModelSettings}, the
 * checkpoint follower its {@link CheckpointSettings}, the scoring threads their {@link
 * ThreadSettings}.
 *
 * @param metricsPort port of the Prometheus endpoint and health probes, 0 for none
 */
public record RecognizerSettings(
    TopologySettings topology,
    StreamsSettings streams,
    ModelSettings model,
    CheckpointSettings checkpoints,
    ThreadSettings threads,
    int metricsPort) {

  /**
   * Where the window and scoring-buffer stores keep their state; either way it is fault tolerant:
   * every change also goes to the store's changelog topic, which a restarted or moved task restores
   * from.
   */
  public enum StateStoreKind {
    /** RocksDB files under {@code recognizer.state.dir}: flushed at every commit. */
    ROCKSDB,
    /**
     * The heap: nothing written to disk at a commit; restored from the changelog after a restart.
     */
    MEMORY;

    /** A key-value store supplier of this kind named {@code name}. */
    public org.apache.kafka.streams.state.KeyValueBytesStoreSupplier supplier(String name) {
      return this == ROCKSDB
          ? org.apache.kafka.streams.state.Stores.persistentKeyValueStore(name)
          : org.apache.kafka.streams.state.Stores.inMemoryKeyValueStore(name);
    }
  }

  /** Kafka Streams' processing guarantees. */
  public enum ProcessingGuarantee {
    EXACTLY_ONCE_V2,
    AT_LEAST_ONCE;

    /** The value of {@code processing.guarantee}. */
    public String streamsValue() {
      return this == EXACTLY_ONCE_V2 ? "exactly_once_v2" : "at_least_once";
    }
  }

  public static final Setting<String> APPLICATION_ID =
      Setting.string(
          "recognizer.application.id",
          "openmede-recognizer",
          "Kafka Streams application id: consumer group and prefix of internal topics.");
  public static final Setting<Integer> WINDOW_FRAMES =
      Setting.integer(
          "recognizer.window.frames", 8, 1, WindowConfig.MAX_FRAMES, "Frames per clip (T).");
  public static final Setting<WindowSpacing> WINDOW_SPACING =
      Setting.choice(
          "recognizer.window.spacing",
          WindowSpacing.class,
          WindowSpacing.FRAMES,
          "Unit of window hop and stride: frames (by sequence) or time (ms of capture time).");
  public static final Setting<Long> WINDOW_HOP =
      Setting.longInteger(
          "recognizer.window.hop",
          8L,
          1L,
          Long.MAX_VALUE,
          "Distance between consecutive windows' first frames, in frames or ms.");
  public static final Setting<Long> WINDOW_STRIDE =
      Setting.longInteger(
          "recognizer.window.stride",
          1L,
          1L,
          Long.MAX_VALUE,
          "Distance between sampled frames within a window, in frames or ms.");
  public static final Setting<Integer> WINDOW_REORDER_BOUND =
      Setting.integer(
          "recognizer.window.reorder.bound",
          32,
          0,
          1_000_000,
          "Frames that may arrive after a missing frame before it is given up (a gap).");
  public static final Setting<Integer> MAX_BATCH_SIZE =
      Setting.integer("recognizer.batch.max.size", 16, 1, 4096, "Windows per micro-batch at most.");
  public static final Setting<Duration> MAX_BATCH_DELAY =
      Setting.duration(
          "recognizer.batch.max.delay",
          Duration.ofMillis(20),
          "How long a ready window may wait for a fuller micro-batch while the scorer is idle (a"
              + " partial batch is taken when the scorer has nothing to run, so under load batches"
              + " fill while it works, or after 100ms more behind a busy scorer; 0 scores a window"
              + " as soon as the scorer is idle).");
  public static final Setting<Integer> TOP_K =
      Setting.integer("recognizer.top.k", 5, 1, 1000, "Labels per recognition.");
  public static final Setting<ProcessingGuarantee> GUARANTEE =
      Setting.choice(
          "recognizer.processing.guarantee",
          ProcessingGuarantee.class,
          ProcessingGuarantee.EXACTLY_ONCE_V2,
          "Kafka Streams processing guarantee.");
  public static final Setting<Integer> STREAM_THREADS =
      Setting.integer("recognizer.stream.threads", 1, 1, 256, "Kafka Streams threads.");
  public static final Setting<Duration> COMMIT_INTERVAL =
      Setting.duration(
          "recognizer.commit.interval",
          Duration.ofMillis(30),
          "Commit interval; under exactly-once the length of a transaction, and so part of the"
              + " latency: a recognition is readable at the commit after it. Shorter means more"
              + " transactions (Kafka Streams' own default under exactly-once is 100ms; 30ms took"
              + " the benchmark's p99 from 179 to 140 ms with recognizer.state.store=memory,"
              + " recognizer/README.md).");
  public static final Setting<Duration> PRODUCER_LINGER =
      Setting.duration(
          "recognizer.producer.linger",
          Duration.ofMillis(100),
          "How long Kafka Streams' producer waits to fill a batch of recognitions (linger.ms;"
              + " Kafka Streams' default). Under exactly-once each commit sends what waits.");
  public static final Setting<Duration> FETCH_MAX_WAIT =
      Setting.duration(
          "recognizer.consumer.fetch.max.wait",
          Duration.ofMillis(500),
          "How long the broker may hold a fetch of frames while it has none to give"
              + " (fetch.max.wait.ms; Kafka's default).");
  public static final Setting<Duration> SESSION_TIMEOUT =
      Setting.duration(
          "recognizer.consumer.session.timeout",
          Duration.ofSeconds(45),
          "How long the group waits for a recognizer's consumer that stopped heartbeating before"
              + " its partitions move to another instance (session.timeout.ms; Kafka's default):"
              + " after a crash, or after a failed stream thread is replaced (Kafka Streams does"
              + " not leave the group), those partitions are not recognized for this long. The"
              + " broker accepts group.min.session.timeout.ms to group.max.session.timeout.ms (6 s"
              + " to 30 min by default); heartbeats go every third of it, at most every 3 s.");
  public static final Setting<String> STATE_DIR =
      Setting.string(
          "recognizer.state.dir",
          System.getProperty("java.io.tmpdir") + "/openmede-recognizer",
          "Directory of the state stores, and of the file APPLICATION-ID.serving-MODEL.properties in"
              + " which the recognizer keeps the checkpoint it serves (and any operator pin) across"
              + " restarts.");
  public static final Setting<List<String>> DEVICES =
      Setting.list(
          "recognizer.devices",
          List.of("cpu"),
          "Devices, one model replica each: cpu, gpu, gpu:N; stream threads spread over them.");
  public static final Setting<String> PRESET =
      Setting.string(
          "recognizer.model.preset", "tiny", "Architecture preset of the initial model.");
  public static final Setting<Optional<String>> WEIGHTS =
      Setting.optionalString(
          "recognizer.model.weights",
          "Initial weights (safetensors or TorchScript); unset: the bundled pretrained weights for"
              + " the tiny preset, a random model of any other preset.");
  public static final Setting<Long> SEED =
      Setting.longInteger(
          "recognizer.model.seed",
          0L,
          Long.MIN_VALUE,
          Long.MAX_VALUE,
          "Seed of the random initial model.");
  public static final Setting<Optional<String>> MODEL_NAME =
      Setting.optionalString(
          "recognizer.model.name",
          "Model line followed on the checkpoints topic; empty: openmede-<recognizer.model.preset>,"
              + " the trainer's default line for that preset.");
  public static final Setting<Boolean> FOLLOW_CHECKPOINTS =
      Setting.bool(
          "recognizer.checkpoints.follow", true, "Swap in checkpoints announced on the topic.");
  public static final Setting<String> CHECKPOINT_CACHE =
      Setting.string(
          "recognizer.checkpoints.cache",
          System.getProperty("java.io.tmpdir") + "/openmede-recognizer-checkpoints",
          "Directory of verified checkpoint copies.");
  public static final Setting<List<String>> CHECKPOINT_ROOTS =
      Setting.list(
          "recognizer.checkpoints.roots",
          List.of("data/checkpoints"),
          "Checkpoint store directories (the trainers' trainer.checkpoint.dir, as mounted here):"
              + " an announced checkpoint outside them is refused.");
  public static final Setting<List<String>> TRUSTED_KEYS =
      Setting.list(
          "recognizer.checkpoints.trusted-keys",
          List.of(),
          "Ed25519 public key files (PEM, the trainers' NAME.pub): an announcement not signed by"
              + " one of them is refused. Empty: announcements are not checked for a signature"
              + " (the recognizer says so at start).");
  public static final Setting<List<String>> OPERATOR_KEYS =
      Setting.list(
          "recognizer.checkpoints.operator-keys",
          List.of(),
          "Ed25519 public key files (PEM) of the operators (openmede keys generate"
              + " --operator): an operator's promote, rollback or unpin (openmede model ...)"
              + " is applied only when signed by one of them; the trainer's keys do not count."
              + " Empty: every operator decision is refused.");
  public static final Setting<Boolean> ALLOW_DOWNGRADE =
      Setting.bool(
          "recognizer.checkpoints.allow-downgrade",
          false,
          "Install an announced checkpoint older than the serving one (fewer training updates,"
              + " or as many and created earlier): for a rollback, or a trainer started afresh on"
              + " the same model line.");
  public static final Setting<Boolean> WARM_SWAP =
      Setting.bool(
          "recognizer.checkpoints.warm-swap",
          true,
          "At start, before anything is scored, rehearse a checkpoint swap on the initial weights"
              + " (copy and digest, load a throwaway copy per device, warm-up, class embeddings),"
              + " so that the first swap is as smooth as the later ones; costs the start about one"
              + " more model load. Off: the first swap's code is compiled while it serves.");
  public static final Setting<Integer> METRICS_PORT =
      Setting.integer(
          "recognizer.metrics.port",
          0,
          0,
          65535,
          "Port of /metrics (Prometheus) and /health/live, /health/ready; 0 for none.");
  public static final Setting<Integer> THREADS_NICE =
      Setting.integer(
          "recognizer.threads.nice",
          10,
          0,
          19,
          "Linux nice value of the recognizer's busy threads other than the model's scoring"
              + " threads (stream threads, Kafka producer I/O, the JVM's JIT compilers and"
              + " concurrent GC), so that on cores shared with them the model keeps its core; 0"
              + " leaves priorities alone; no effect elsewhere than Linux.");
  public static final Setting<Boolean> THREADS_OWN_CPU =
      Setting.bool(
          "recognizer.threads.own.cpu",
          true,
          "On Linux, when libtorch runs one intra-op thread (recognizer.model.threads=1), give each"
              + " model scoring thread a CPU of its own and keep the process's other threads off"
              + " it; at most half of the process's CPUs are reserved this way, and scoring"
              + " threads beyond that share the rest.");
  public static final Setting<Boolean> THREADS_SPARE_SCORER =
      Setting.bool(
          "recognizer.threads.spare.scorer",
          true,
          "With a CPU of its own (recognizer.threads.own.cpu), each scoring thread also has a spare"
              + " one on the CPUs left to the other threads, at recognizer.threads.nice: a"
              + " micro-batch goes to it when the own thread has a backlog (one batch running, one"
              + " waiting) and it is idle, so under load the model also gets the time the stream"
              + " threads and Kafka leave over on those CPUs.");
  public static final Setting<Integer> MODEL_THREADS =
      Setting.integer(
          "recognizer.model.threads",
          0,
          0,
          1024,
          "libtorch intra-op threads per model operation on CPU; 0 keeps DJL's default (one per"
              + " core). 1 runs each scoring thread's model on one core (scale with"
              + " recognizer.stream.threads), which measured faster on 2 cores shared with Kafka."
              + " Takes effect when the process loads its first model.");

  public static final Setting<InferenceDtype> MODEL_DTYPE =
      Setting.choice(
          "recognizer.model.dtype",
          InferenceDtype.class,
          InferenceDtype.F32,
          "Number type of the image tower at inference: f32, or bf16 (bfloat16, on CPUs with"
              + " AVX512-BF16 or AMX, and GPUs; refused at start on a CPU without them). Weights"
              + " stay float32; bf16 runs on a copy of the image tower: ViT-B/16 about 1.9x as"
              + " fast on an AVX512-BF16 CPU, the same top-1 label on 99.5 % of the world's test"
              + " clips (openmede bench model).");

  public static final Setting<OpenSetScore> OPEN_SET_SCORE =
      Setting.choice(
          "recognizer.openset.score",
          OpenSetScore.class,
          OpenSetScore.LEARNED_BACKGROUND,
          "Open-set score that decides whether a window shows anything of the vocabulary, under"
              + " the thresholds each checkpoint brings (fitted by the trainer on held-out clips,"
              + " trainer.openset.recall): learned-background (softmax with a background class"
              + " the trainer learns from negatives: empty scenes, unknown actions, 'nothing"
              + " happened' feedback; the best in bench openset, false alarms at 90 % recall 0.42"
              + " against 0.85 for max-softmax; a checkpoint whose trainer saw no negative is"
              + " decided with its max-softmax thresholds), max-softmax (the closed-set"
              + " probability), max-cosine, energy (free energy of the cosine logits) or background"
              + " (softmax with background classes, trainer.openset.background). A window where no"
              + " label reaches its threshold is unknown (nothing recognized), and each label"
              + " carries its calibrated score; with a model that brought no thresholds nothing is"
              + " decided.");

  public static final Setting<StateStoreKind> STATE_STORE =
      Setting.choice(
          "recognizer.state.store",
          StateStoreKind.class,
          StateStoreKind.MEMORY,
          "Where the window and scoring-buffer stores keep their state: memory (the heap, a few"
              + " frames per stream) or rocksdb (files under recognizer.state.dir, flushed at"
              + " every commit, which adds latency at short commit intervals); both are restored"
              + " from their changelog topics after a restart.");

  public static final Setting<Integer> MAX_STREAMS_PER_TASK =
      Setting.integer(
          "recognizer.streams.max-per-task",
          10_000,
          1,
          Integer.MAX_VALUE,
          "Streams whose window state one task (a partition of the frames topic) holds at most:"
              + " the first batch of a stream beyond it goes to dead letters with the reason, so a"
              + " producer naming endless stream ids cannot fill the recognizer's memory (each"
              + " stream holds up to a window of frames).");

  /** Every recognizer setting. */
  public static final SettingsGroup GROUP =
      SettingsGroup.of(
          "Recognizer",
          APPLICATION_ID,
          WINDOW_FRAMES,
          WINDOW_SPACING,
          WINDOW_HOP,
          WINDOW_STRIDE,
          WINDOW_REORDER_BOUND,
          MAX_BATCH_SIZE,
          MAX_BATCH_DELAY,
          TOP_K,
          GUARANTEE,
          STREAM_THREADS,
          COMMIT_INTERVAL,
          PRODUCER_LINGER,
          FETCH_MAX_WAIT,
          SESSION_TIMEOUT,
          STATE_DIR,
          DEVICES,
          PRESET,
          WEIGHTS,
          SEED,
          MODEL_NAME,
          FOLLOW_CHECKPOINTS,
          CHECKPOINT_CACHE,
          CHECKPOINT_ROOTS,
          TRUSTED_KEYS,
          OPERATOR_KEYS,
          ALLOW_DOWNGRADE,
          WARM_SWAP,
          METRICS_PORT,
          THREADS_NICE,
          THREADS_OWN_CPU,
          THREADS_SPARE_SCORER,
          MODEL_THREADS,
          MODEL_DTYPE,
          OPEN_SET_SCORE,
          STATE_STORE,
          MAX_STREAMS_PER_TASK);

  /** The groups a recognizer service reads: the cluster's, {@link #GROUP} and the input bounds. */
  public static final List<SettingsGroup> SERVICE_GROUPS =
      List.of(ConnectionSettings.GROUP, Cluster.TOPICS_GROUP, GROUP, InputBounds.GROUP);

  public RecognizerSettings {
    Objects.requireNonNull(topology, "topology");
    Objects.requireNonNull(streams, "streams");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(checkpoints, "checkpoints");
    Objects.requireNonNull(threads, "threads");
  }

  /**
   * Converts resolved settings of {@link #SERVICE_GROUPS} (or at least this group and the bounds).
   */
  public static RecognizerSettings from(Settings s) {
    return new RecognizerSettings(
        TopologySettings.from(s),
        StreamsSettings.from(s),
        ModelSettings.from(s),
        CheckpointSettings.from(s),
        ThreadSettings.from(s),
        s.get(METRICS_PORT));
  }

  /** These settings with another topology (tests, benchmarks). */
  public RecognizerSettings withTopology(TopologySettings newTopology) {
    return new RecognizerSettings(newTopology, streams, model, checkpoints, threads, metricsPort);
  }
}
