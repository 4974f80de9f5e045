package io.openmede.bench.recognizer;

import io.openmede.model.ClassTextEncoder;
import io.openmede.model.ClipConfig;
import io.openmede.model.ClipModel;
import io.openmede.model.ComputeDevice;
import io.openmede.model.DefaultWeights;
import io.openmede.model.text.ClipTokenizer;
import io.openmede.recognizer.RecognizerService;
import io.openmede.recognizer.RecognizerSettings;
import io.openmede.recognizer.process.RecognizerProcess;
import io.openmede.recognizer.score.ClipScorer;
import io.openmede.recognizer.score.ModelClipScorer;
import io.openmede.recognizer.score.ScoredBatch;
import io.openmede.recognizer.score.ThreadPriorities;
import io.openmede.recognizer.swap.ClipModelLoader;
import io.openmede.recognizer.swap.ModelSlot;
import io.openmede.recognizer.vocabulary.ClassEmbeddingCache;
import io.openmede.recognizer.vocabulary.VocabularyClass;
import io.openmede.recognizer.vocabulary.VocabularySnapshot;
import io.openmede.recognizer.window.ClipWindow;
import io.openmede.recognizer.window.FrameBatchCheck;
import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.avro.Recognition;
import io.openmede.schemas.avro.TrainingSummary;
import io.openmede.schemas.avro.VocabularyEntry;
import io.openmede.schemas.topic.Cluster;
import io.openmede.settings.ConnectionSettings;
import io.openmede.settings.Settings;
import io.openmede.world.Action;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The recognizer benchmark, in one run on a cluster (the embedded platform by default):
 *
 * <ol>
 *   <li><b>bare</b>: the tiny model alone (embedding and ranking, no Kafka, on one thread) on the
 *       clips of N synthetic-world cameras, decoded and preprocessed beforehand, in micro-batches
 *       of the configured size: windows per second;
 *   <li><b>machine</b>: the same on every core at once (one bare thread per core, before and after
 *       the throughput rounds), the best the machine does with this model;
 *   <li><b>end to end</b>: the same clips as frame batches through the whole topology (exactly-once
 *       v2, read_committed reader), produced while it is paused: steady windows per second between
 *       the first and the last transaction that made recognitions visible ({@link #steadyRate});
 *       {@code e2e_vs_bare} is the median over rounds of its ratio to the bare runs around it,
 *       {@code e2e_vs_machine} the median end to end over the mean of the two machine runs;
 *   <li><b>paced</b>: the streams at a fixed rate below capacity: production of a window's frame
 *       batch to the read of its recognition, p50 and p99; a vocabulary message mid-way and the
 *       time to the first recognition that uses it; a checkpoint announcement later (the serving
 *       weights with the image tower changed and the text tower frozen, as the trainer makes them)
 *       and the p99 latency of windows produced during the swap against the steady state before it.
 * </ol>
 *
 * The last line printed is {@code RESULT e2e_vs_bare=... e2e_vs_machine=... p50_ms=... p99_ms=...
 * vocab_apply_ms=... swap_p99_ratio=...}.
 */
final class RecognizerBenchmark {

  /**
   * What to run.
   *
   * @param streams N cameras
   * @param windowsPerStream windows per camera in the throughput phase
   * @param frames T frames per window (= frames per batch; hop T)
   * @param maxBatch windows per micro-batch
   * @param pacedRate windows per second over all streams in the paced phase; 0 or less: half the
   *     measured end-to-end throughput
   * @param pacedSeconds length of the paced phase
   * @param swaps checkpoint swaps in the paced phase, each with a quiet segment before it
   * @param rounds end-to-end throughput rounds, each between two bare runs
   * @param maxWarmUp the end-to-end warm-up stops when the JIT has settled or after this long
   * @param overrides recognizer settings to use instead of the defaults (not the topics, the
   *     application id or the directories, which the benchmark owns)
   * @param readerFetchWait the reader's {@code fetch.max.wait.ms}: how long the broker may hold its
   *     fetch (Kafka's default 500 ms)
   */
  public record Options(
      int streams,
      int windowsPerStream,
      int frames,
      int maxBatch,
      double pacedRate,
      int pacedSeconds,
      int swaps,
      int rounds,
      Duration maxWarmUp,
      Map<String, String> overrides,
      Duration readerFetchWait) {
    public Options {
      overrides = Map.copyOf(overrides);
    }
  }

  /** The figures. */
  public record Result(
      double bareWindowsPerSecond,
      double machineWindowsPerSecond,
      double e2eWindowsPerSecond,
      double e2eVsBare,
      double p50Ms,
      double p99Ms,
      double vocabApplyMs,
      double steadyP99Ms,
      double swapP99Ms,
      double quietP99Ms) {
    /** The median swap segment's p99 against the steady segment's. */
    public double swapP99Ratio() {
      return swapP99Ms / steadyP99Ms;
    }

    /**
     * The median quiet segment's p99 (the same length, just before a swap, no event) against the
     * steady segment's: what {@link #swapP99Ratio} reads without any swap.
     */
    public double quietP99Ratio() {
      return quietP99Ms / steadyP99Ms;
    }

    /** End-to-end throughput against the bare model on every core. */
    public double e2eVsMachine() {
      return e2eWindowsPerSecond / machineWindowsPerSecond;
    }

    public String resultLine() {
      return String.format(
          java.util.Locale.ROOT,
          "RESULT e2e_vs_bare=%.3f e2e_vs_machine=%.3f p50_ms=%.1f p99_ms=%.1f vocab_apply_ms=%.1f"
              + " swap_p99_ratio=%.2f quiet_p99_ratio=%.2f",
          e2eVsBare(),
          e2eVsMachine(),
          p50Ms,
          p99Ms,
          vocabApplyMs,
          swapP99Ratio(),
          quietP99Ratio());
    }
  }

  /** Untimed passes over the clips before measuring, on the bare side. */
  static final int WARM_UP_PASSES = 2;

  /** End-to-end warm-up rounds: at least this many... */
  static final int MIN_WARM_UP_PASSES = 2;

  /** ...then until JIT compilation takes at most this share of a round's wall-clock time... */
  static final double JIT_SETTLED_SHARE = 0.05;

  /** ...but at most this many rounds (and {@link Options#maxWarmUp}). */
  static final int MAX_WARM_UP_PASSES = 40;

  /** Lead-in segments of the paced phase at most (each a segment long, about 3 s). */
  static final int MAX_LEAD_IN_SEGMENTS = 15;

  /**
   * Lead-in segments at least: the first carries a rehearsal vocabulary change, the second a
   * rehearsal swap, and the third lets what they compiled settle (a recognizer that has run a while
   * has done both before; the first time, their code is compiled while they run).
   */
  static final int MIN_LEAD_IN_SEGMENTS = 3;

  /** The label of the lead-in's rehearsal vocabulary change. */
  static final String REHEARSAL_LABEL = "bench warm-up label";

  private final Options options;
  private final PrintStream out;
  private final AtomicLong maxVocabulary = new AtomicLong(-1);
  private final AtomicLong vocabularyBaseline = new AtomicLong(-1);

  /** The broker's process when it runs on this machine in a JVM of its own. */
  private java.util.OptionalLong brokerPid = java.util.OptionalLong.empty();

  public RecognizerBenchmark(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /**
   * The broker runs on this machine as process {@code pid}: it is kept off any CPU the topology's
   * scoring thread holds, like the recognizer's own non-model threads.
   */
  public RecognizerBenchmark withBrokerProcess(long pid) {
    brokerPid = java.util.OptionalLong.of(pid);
    return this;
  }

  /**
   * Milliseconds of JIT compilation so far: this JVM's (its compilation time) and, when the broker
   * runs in a JVM of its own here, its compiler threads' CPU; both share the stream thread's core.
   */
  private long jitMillis() {
    return ThreadCpu.jitMillis() + brokerJitMillis();
  }

  private long brokerJitMillis() {
    return brokerPid.isPresent() ? ThreadCpu.processJitMillis(brokerPid.getAsLong()) : 0;
  }

  /** ", of which the broker's N ms" since {@code brokerJitBefore}, when the broker is ours. */
  private String brokerShare(long brokerJitBefore) {
    return brokerPid.isPresent()
        ? ", of which the broker's " + (brokerJitMillis() - brokerJitBefore) + " ms"
        : "";
  }

  /** Runs every phase against the broker and registry of {@code connection}. */
  public Result run(String bootstrap, String registryUrl, Path workDir) throws Exception {
    String prefix = "bench-" + Long.toString(System.currentTimeMillis(), 36);
    Map<String, String> values = new LinkedHashMap<>();
    values.put(ConnectionSettings.BOOTSTRAP_SERVERS.name(), bootstrap);
    values.put(ConnectionSettings.REGISTRY_URL.name(), registryUrl);
    values.put(Cluster.FRAMES.name(), prefix + ".frames");
    values.put(Cluster.VOCABULARY.name(), prefix + ".vocabulary");
    values.put(Cluster.RECOGNITIONS.name(), prefix + ".recognitions");
    values.put(Cluster.LABELED_CLIPS.name(), prefix + ".labeled-clips");
    values.put(Cluster.CHECKPOINTS.name(), prefix + ".checkpoints");
    values.put(Cluster.DEAD_LETTERS.name(), prefix + ".dead-letters");
    values.put(Cluster.PARTITIONS.name(), "2");
    values.put(RecognizerSettings.APPLICATION_ID.name(), prefix);
    values.put(RecognizerSettings.STATE_DIR.name(), workDir.resolve("state").toString());
    values.put(RecognizerSettings.CHECKPOINT_CACHE.name(), workDir.resolve("ckpt").toString());
    values.put(RecognizerSettings.CHECKPOINT_ROOTS.name(), workDir.toString());
    values.put(RecognizerSettings.WINDOW_FRAMES.name(), String.valueOf(options.frames()));
    values.put(RecognizerSettings.WINDOW_HOP.name(), String.valueOf(options.frames()));
    values.put(RecognizerSettings.MAX_BATCH_SIZE.name(), String.valueOf(options.maxBatch()));
    for (Map.Entry<String, String> o : options.overrides().entrySet()) {
      values.putIfAbsent(o.getKey(), o.getValue());
    }
    Settings settings = Settings.of(RecognizerProcess.groups(), values);
    RecognizerSettings rs = RecognizerSettings.from(settings);
    Cluster cluster = Cluster.from(settings);
    cluster.ensureTopics();

    List<String> labels = Action.labels();
    int w0 = options.windowsPerStream();
    List<List<FrameBatch>> clips =
        SyntheticFrameBatches.generate("bench-cam-", options.streams(), w0, options.frames());
    long jpegBytes =
        clips.stream()
            .flatMap(List::stream)
            .flatMap(b -> b.getFrames().stream())
            .mapToLong(f -> f.getData().remaining())
            .sum();
    out.printf(
        "%d streams x %d windows of %d frames (%.1f KB of JPEG per window), micro-batch %d, tiny"
            + " model on cpu, %d rounds%n",
        options.streams(),
        options.windowsPerStream(),
        options.frames(),
        jpegBytes / 1024.0 / (options.streams() * w0),
        options.maxBatch(),
        options.rounds());
    out.println(
        "bare = the model replica alone: the scorer the topology uses (ModelClipScorer:"
            + " embedVideos and ranking against the vocabulary) on the same clips decoded and"
            + " preprocessed beforehand, same weights, same micro-batch size, one thread, no Kafka;"
            + " measured between the end-to-end rounds, each round compared with the mean of the"
            + " bare runs around it; end to end = the whole topology (Kafka, JPEG decoding,"
            + " preprocessing, windowing, the model, exactly-once v2 with the default batch delay"
            + " and commit interval) drains the round's frame batches, produced while it was"
            + " paused: windows per second between the first and the last transaction that made"
            + " recognitions visible to a read_committed reader");

    publishVocabulary(cluster, labels);
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    List<long[]> received = java.util.Collections.synchronizedList(new ArrayList<>());
    Map<String, Recognition> byKey = new ConcurrentHashMap<>();
    AtomicBoolean reading = new AtomicBoolean(true);
    AtomicLong newLabelSeenAt = new AtomicLong();
    String newLabel = "bench new label";
    Thread reader =
        new Thread(
            () -> read(cluster, sentAt, received, byKey, reading, newLabelSeenAt), "bench-reader");
    try (BareScorer bareScorer = new BareScorer(rs, clips, labels);
        RecognizerService service = RecognizerService.start(cluster, rs, Map.of());
        KafkaProducer<String, FrameBatch> producer =
            new KafkaProducer<>(
                cluster.producerConfig(prefix + "-producer"),
                new StringSerializer(),
                cluster.topics().frames().valueSerde().serializer())) {
      if (!service.awaitRunning(Duration.ofSeconds(120))) {
        throw new IllegalStateException("the recognizer did not start");
      }
      reader.start();
      // warm-up: rounds like the measured ones, untimed, until the JIT has settled (the broker,
      // the clients and the topology are a lot of code; C2 compiling it takes a core away)
      long seq = 0;
      long warmStart = System.nanoTime();
      for (int pass = 1; ; pass++) {
        long jit0 = jitMillis();
        long brokerJit0 = brokerJitMillis();
        long t0 = System.nanoTime();
        int before = byKey.size();
        seq = produceRound(service, producer, cluster, clips, seq, sentAt);
        service.streams().resume();
        waitFor(() -> byKey.size() >= before + clips.size() * w0, Duration.ofSeconds(600));
        double wallMs = (System.nanoTime() - t0) / 1e6;
        long jitMs = jitMillis() - jit0;
        out.printf(
            "warm-up round %d: %.1f s, JIT compiling %d ms (%.0f%%)%s%n",
            pass, wallMs / 1000, jitMs, 100 * jitMs / wallMs, brokerShare(brokerJit0));
        if (pass >= MIN_WARM_UP_PASSES && jitMs <= JIT_SETTLED_SHARE * wallMs) {
          break;
        }
        if (pass >= MAX_WARM_UP_PASSES
            || System.nanoTime() - warmStart > options.maxWarmUp().toNanos()) {
          out.printf("warm-up: the JIT has not settled after %d rounds; measuring anyway%n", pass);
          break;
        }
      }

      java.util.BitSet reserved = ThreadPriorities.reservedCpus();
      out.printf(
          "scoring thread: %s%n",
          reserved.isEmpty()
              ? "shares the CPUs with the other threads"
              : "CPU "
                  + reserved
                  + " of its own; the other threads run on "
                  + ThreadPriorities.sharedCpus());
      if (brokerPid.isPresent() && !reserved.isEmpty()) {
        out.printf(
            "broker JVM: %d thread(s) kept on CPUs %s%n",
            ThreadPriorities.confineProcessToSharedCpus(brokerPid.getAsLong()),
            ThreadPriorities.sharedCpus());
      }

      // throughput: bare, end to end, bare, end to end, ..., bare (machine noise hits both)
      double[] bares = new double[options.rounds() + 1];
      double[] e2es = new double[options.rounds()];
      double[] ratios = new double[options.rounds()];
      out.printf(
          "decoding and preprocessing alone: %.1f windows/s on one thread (the topology's stream"
              + " thread does it while the model runs the previous batch)%n",
          bareScorer.prepareWindowsPerSecond());
      double[] machines = new double[2];
      machines[0] = bareScorer.machineWindowsPerSecond();
      bares[0] = bareScorer.windowsPerSecond();
      out.printf("bare scorer: %.1f windows/s%n", bares[0]);
      for (int round = 0; round < options.rounds(); round++) {
        int total = options.streams() * w0;
        int before = byKey.size();
        seq = produceRound(service, producer, cluster, clips, seq, sentAt);
        Snapshot m0 = Snapshot.of(service);
        int receivedBefore = received.size();
        Map<String, Long> cpu0 = ThreadCpu.byGroup();
        long gc0 = ThreadCpu.gcMillis();
        long jit0 = jitMillis();
        long[] machine0 = ThreadCpu.machineJiffies();
        long t0 = System.nanoTime();
        service.streams().resume();
        waitFor(() -> byKey.size() >= before + total, Duration.ofSeconds(600));
        double seconds = (System.nanoTime() - t0) / 1e9;
        Snapshot m1 = Snapshot.of(service);
        out.printf("  stream thread: %s%n", streamThreadMetrics(service));
        out.printf(
            "  cpu during the round (s): %s; gc pauses %d ms; JIT compiling %d ms; whole machine"
                + " %.2f of %d cores busy%n",
            ThreadCpu.describe(ThreadCpu.delta(cpu0, ThreadCpu.byGroup())),
            ThreadCpu.gcMillis() - gc0,
            jitMillis() - jit0,
            ThreadCpu.machineCoresBusy(machine0, ThreadCpu.machineJiffies()),
            ThreadCpu.machineCpus());
        long[] arrivals;
        synchronized (received) {
          arrivals =
              received.subList(receivedBefore, received.size()).stream()
                  .mapToLong(r -> r[1])
                  .sorted()
                  .toArray();
        }
        e2es[round] = steadyRate(arrivals);
        bares[round + 1] = bareScorer.windowsPerSecond();
        ratios[round] = e2es[round] / ((bares[round] + bares[round + 1]) / 2);
        out.printf(
            "end to end: %.1f windows/s steady (%.3f of the bare runs around it), %.1f windows/s"
                + " from resume to the last recognition; %d model batches of %.1f windows on"
                + " average, scoring busy %.0f%% of the %.2f s%n",
            e2es[round],
            ratios[round],
            total / seconds,
            m1.batches - m0.batches,
            (m1.windows - m0.windows) / Math.max(1.0, m1.batches - m0.batches),
            100 * (m1.scoringSeconds - m0.scoringSeconds) / seconds,
            seconds);
        out.printf("bare scorer: %.1f windows/s%n", bares[round + 1]);
      }
      machines[1] = bareScorer.machineWindowsPerSecond();
      double bare = median(bares);
      double machine = (machines[0] + machines[1]) / 2;
      double e2e = median(e2es);
      double e2eVsBare = median(ratios);
      out.printf(
          "median: bare %.1f windows/s, end to end %.1f windows/s, e2e_vs_bare %.3f"
              + " (median of the per-round ratios); the machine (bare on every core, before and"
              + " after the rounds) %.1f windows/s, e2e_vs_machine %.3f%n",
          bare, e2e, e2eVsBare, machine, e2e / machine);

      // paced: steady state, a vocabulary change, then checkpoint swaps. The phase is cut into
      // 3 + 2 * swaps segments of equal length: a lead-in (not measured: the topology settles from
      // the throughput rounds' flood into the paced rate), steady, the vocabulary change, then for
      // each swap a quiet segment (no event: the same statistic's spread without a swap) and the
      // swap's own segment. Steady is the event-free segments pooled; each swap's p99 and each
      // quiet segment's p99 are compared with it, and the medians are reported.
      int swaps = options.swaps();
      // checkpoints as the trainer makes them: the serving weights with the image tower changed
      // (by 1 % per checkpoint) and the text tower frozen
      Optional<Path> serving =
          rs.weights().isPresent() ? rs.weights() : DefaultWeights.defaultFor(rs.preset());
      List<CheckpointAnnouncement> announcements = new ArrayList<>();
      try (ClipModel m =
          serving.isPresent()
              ? ClipModel.load(serving.get(), ComputeDevice.CPU)
              : ClipModel.random(ClipConfig.preset(rs.preset()), rs.seed(), ComputeDevice.CPU)) {
        // the first is the lead-in's rehearsal, the others the measured swaps
        for (int k = 1; k <= swaps + 1; k++) {
          try (var change = m.parameters().copy()) {
            m.parameters().addScaled(change, 0.01);
          }
          Path weights = workDir.resolve("bench-ckpt-" + k + ".safetensors");
          m.saveSafetensors(weights);
          announcements.add(announcement(rs.modelName(), "bench-ckpt-" + k, k, weights));
        }
      }
      received.clear();
      double rate = options.pacedRate() > 0 ? options.pacedRate() : Math.max(1, e2e / 2);
      long periodNanos = (long) (1e9 / rate);
      int segments = 3 + 2 * swaps;
      long segmentSteps = Math.max(1, (long) (rate * options.pacedSeconds() / segments));
      long steps = segmentSteps * segments;
      long segmentNanos = segmentSteps * periodNanos;
      long vocabAt = 2 * segmentSteps;
      long leadInEndAt = 0;
      long vocabSentAt = 0;
      long[] swapSentAt = new long[swaps];
      // the vocabulary change and the announcements are sent from a thread of their own, prepared
      // beforehand: the pacing loop must keep its cadence, or a stall of the load generator (a
      // producer to create, a file to hash) turns into a burst of frames that the recognizer is
      // then blamed for
      ExecutorService control =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "bench-control");
                t.setDaemon(true);
                return t;
              });
      List<Future<?>> sent = new ArrayList<>();
      long next = System.nanoTime();
      long batchSeq = seq;
      long maxLagNanos = 0;
      // the lead-in: untimed segments at the paced rate until JIT compilation takes under
      // JIT_SETTLED_SHARE of one, like the warm-up before the throughput rounds: pacing takes
      // paths the drain rounds did not (a fetch per frame batch, partial batches, transactions of
      // a few records), and C2 compiling them shares the stream thread's core. A vocabulary change
      // and a swap are rehearsed in it: the first of each compiles its code while it runs (measured
      // at 50-80 % of a core in the segments after them), which a recognizer does once in its life
      long leadInSteps = -1;
      int leadInSegments = 0;
      PhaseCpu pacedCpu = null;
      List<Long> segmentJitMs = new ArrayList<>(); // JIT so far at each measured segment's start
      long segmentJit = jitMillis();
      long segmentBrokerJit = brokerJitMillis();
      long segmentStart = System.nanoTime();
      long i = 0;
      while (leadInSteps < 0 || i < leadInSteps + steps - segmentSteps) {
        if (leadInSteps < 0 && i > 0 && i % segmentSteps == 0) {
          leadInSegments++;
          long jitMs = jitMillis() - segmentJit;
          double wallMs = (System.nanoTime() - segmentStart) / 1e6;
          boolean settled = jitMs <= JIT_SETTLED_SHARE * wallMs;
          out.printf(
              "  lead-in segment %d: JIT compiling %d ms (%.0f%%)%s%n",
              leadInSegments, jitMs, 100 * jitMs / wallMs, brokerShare(segmentBrokerJit));
          if ((settled && leadInSegments >= MIN_LEAD_IN_SEGMENTS)
              || leadInSegments >= MAX_LEAD_IN_SEGMENTS) {
            leadInSteps = i;
            leadInEndAt = System.nanoTime();
            pacedCpu = PhaseCpu.start(brokerPid);
          } else {
            segmentJit = jitMillis();
            segmentBrokerJit = brokerJitMillis();
            segmentStart = System.nanoTime();
          }
        }
        maxLagNanos = Math.max(maxLagNanos, System.nanoTime() - next);
        int stream = (int) (i % options.streams());
        long pacedSeq = batchSeq + i / options.streams();
        FrameBatch b =
            SyntheticFrameBatches.renumbered(
                clips.get(stream).get((int) (pacedSeq % clips.get(stream).size())), pacedSeq);
        send(producer, cluster, b, sentAt);
        producer.flush();
        // j: the step within the measured segments (steady, the vocabulary change, then per swap
        // a quiet segment and the swap's); -1 during the lead-in
        long j = leadInSteps < 0 ? -1 : i - leadInSteps;
        // the rehearsal: a vocabulary change at the lead-in's start, a swap a segment later
        if (i == 0) {
          sent.add(
              control.submit(
                  () -> {
                    publishVocabulary(cluster, List.of(REHEARSAL_LABEL));
                    return null;
                  }));
        }
        if (i == segmentSteps && leadInSteps < 0) {
          CheckpointAnnouncement rehearsal = announcements.get(0);
          sent.add(
              control.submit(
                  () -> {
                    announce(cluster, rehearsal);
                    return null;
                  }));
        }
        if (j >= 0 && j % segmentSteps == 0) {
          segmentJitMs.add(jitMillis());
        }
        if (j == vocabAt - segmentSteps) {
          vocabularyBaseline.set(maxVocabulary.get());
          vocabSentAt = System.nanoTime();
          sent.add(
              control.submit(
                  () -> {
                    publishVocabulary(cluster, List.of(newLabel));
                    return null;
                  }));
        }
        long segment = j < 0 ? 0 : 1 + j / segmentSteps; // numbered as if the lead-in were one
        if (j >= 0 && j % segmentSteps == 0 && segment >= 4 && segment % 2 == 0) {
          int k = (int) (segment - 4) / 2;
          CheckpointAnnouncement a = announcements.get(k + 1);
          swapSentAt[k] = System.nanoTime();
          sent.add(
              control.submit(
                  () -> {
                    announce(cluster, a);
                    return null;
                  }));
        }
        next += periodNanos;
        long sleep = next - System.nanoTime();
        if (sleep > 0) {
          Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
        }
        i++;
      }
      String pacedCpuLine = pacedCpu == null ? "" : pacedCpu.describe();
      segmentJitMs.add(jitMillis());
      for (Future<?> f : sent) {
        f.get(60, TimeUnit.SECONDS);
      }
      control.shutdown();
      out.printf(
          "  load generator: at most %.1f ms behind its schedule (period %.2f ms)%n",
          maxLagNanos / 1e6, periodNanos / 1e6);
      int pacedTotal = (int) i; // all of them, the lead-in's too
      waitFor(() -> received.size() >= pacedTotal, Duration.ofSeconds(120));
      reading.set(false);
      reader.join(10_000);
      long vocabSent = vocabSentAt;
      long leadInEnd = leadInEndAt;
      List<long[]> all;
      synchronized (received) {
        all = new ArrayList<>(received.stream().filter(r -> r[0] >= leadInEnd).toList());
      }
      double[] lat = all.stream().mapToDouble(r -> (r[1] - r[0]) / 1e6).toArray();
      double vocabApply =
          newLabelSeenAt.get() == 0 ? Double.NaN : (newLabelSeenAt.get() - vocabSent) / 1e6;
      out.printf(
          "paced %.0f windows/s for %.1f s: %d recognitions after a lead-in of %d segment(s), %.1f"
              + " s, model now %s%n",
          rate,
          (steps - segmentSteps) * periodNanos / 1e9,
          all.size(),
          leadInSegments,
          leadInSegments * segmentNanos / 1e9,
          service.servingVersion());
      double[] inTopology = all.stream().mapToDouble(r -> r[2] / 1000.0).toArray();
      out.printf(
          "  of which in the topology (window complete → recognition forwarded): p50 %.1f ms, p99"
              + " %.1f ms; the rest is the producer, the commit interval and the reader%n",
          percentile(inTopology, 50), percentile(inTopology, 99));
      printLegs(all);
      out.printf("  stream thread (paced phase): %s%n", streamThreadMetrics(service));
      out.printf(
          "  Kafka requests (paced phase, per second): %s%n", requestMetrics(service, producer));
      out.printf("  cpu over the measured phase (cores): %s%n", pacedCpuLine);
      // steady state: every segment without an event (the first, and the quiet one before each
      // swap), pooled
      List<long[]> eventFree = new ArrayList<>();
      List<long[]> first = new ArrayList<>();
      for (long[] r : all) {
        boolean quiet = r[0] < vocabSent;
        if (quiet) {
          first.add(r);
        }
        for (long at : swapSentAt) {
          quiet |= r[0] >= at - segmentNanos && r[0] < at;
        }
        if (quiet) {
          eventFree.add(r);
        }
      }
      double steadyP99 = percentile(endToEndMs(eventFree, Long.MIN_VALUE, Long.MAX_VALUE), 99);
      out.printf(
          "  steady (the %d segments of %.1f s without an event, pooled): p99 %.1f ms end to end,"
              + " %.1f ms in the topology; the first segment alone %.1f ms%n",
          1 + swaps,
          segmentNanos / 1e9,
          steadyP99,
          percentile(inTopologyMs(eventFree, Long.MIN_VALUE, Long.MAX_VALUE), 99),
          percentile(endToEndMs(first, Long.MIN_VALUE, Long.MAX_VALUE), 99));
      out.printf(
          "  vocabulary change: p99 %.1f ms end to end, %.1f ms in the topology (the %.1f s from"
              + " its sending)%n",
          percentile(endToEndMs(all, vocabSent, vocabSent + segmentNanos), 99),
          percentile(inTopologyMs(all, vocabSent, vocabSent + segmentNanos), 99),
          segmentNanos / 1e9);
      StringBuilder bySegment = new StringBuilder();
      for (long from = leadInEnd;
          from < leadInEnd + (segments - 1) * segmentNanos;
          from += segmentNanos) {
        bySegment.append(
            String.format(
                java.util.Locale.ROOT,
                " %.0f",
                percentile(endToEndMs(all, from, from + segmentNanos), 99)));
      }
      out.printf("  p99 end to end by segment, in order (ms):%s%n", bySegment);
      StringBuilder jitBySegment = new StringBuilder();
      for (int k = 1; k < segmentJitMs.size(); k++) {
        jitBySegment.append(
            String.format(
                java.util.Locale.ROOT,
                " %.0f%%",
                100.0 * (segmentJitMs.get(k) - segmentJitMs.get(k - 1)) / (segmentNanos / 1e6)));
      }
      out.printf(
          "  JIT compiling by segment (this JVM and the broker's, share of the segment):%s%n",
          jitBySegment);
      double[] swapP99 = new double[swaps];
      double[] quietP99 = new double[swaps];
      for (int k = 0; k < swaps; k++) {
        long at = swapSentAt[k];
        swapP99[k] = percentile(endToEndMs(all, at, at + segmentNanos), 99);
        quietP99[k] = percentile(endToEndMs(all, at - segmentNanos, at), 99);
        out.printf(
            "  swap %d: p99 %.1f ms end to end (%.2f of steady), %.1f ms in the topology; the %.1f"
                + " s before it, no event: %.1f ms (%.2f), %.1f ms in the topology%n",
            k + 1,
            swapP99[k],
            swapP99[k] / steadyP99,
            percentile(inTopologyMs(all, at, at + segmentNanos), 99),
            segmentNanos / 1e9,
            quietP99[k],
            quietP99[k] / steadyP99,
            percentile(inTopologyMs(all, at - segmentNanos, at), 99));
      }
      return new Result(
          bare,
          machine,
          e2e,
          e2eVsBare,
          percentile(lat, 50),
          percentile(lat, 99),
          vocabApply,
          steadyP99,
          median(swapP99),
          median(quietP99));
    } finally {
      reading.set(false);
    }
  }

  /**
   * Where the end-to-end time goes, per window: before the topology (sent → the window's last frame
   * batch taken by the stream thread: the producer, the broker, the Streams consumer's fetch), in
   * it, and after it (recognition forwarded → read: the wait for the transaction's commit, the
   * commit, the reader's fetch). The recognizer stamps {@code recognizedAt} with the wall clock in
   * milliseconds; the benchmark's nanosecond clock is put on the wall clock once, here.
   */
  private void printLegs(List<long[]> all) {
    long wallMinusNanoMs = System.currentTimeMillis() - System.nanoTime() / 1_000_000;
    double[] before = new double[all.size()];
    double[] after = new double[all.size()];
    for (int i = 0; i < all.size(); i++) {
      long[] r = all.get(i);
      double sentWallMs = r[0] / 1e6 + wallMinusNanoMs;
      double readWallMs = r[1] / 1e6 + wallMinusNanoMs;
      double arrivedWallMs = r[3] - r[2] / 1000.0;
      before[i] = arrivedWallMs - sentWallMs;
      after[i] = readWallMs - r[3];
    }
    out.printf(
        "  legs (ms, p50/p90/p99): before the topology %.1f/%.1f/%.1f, after it (commit wait,"
            + " commit, reader) %.1f/%.1f/%.1f%n",
        percentile(before, 50),
        percentile(before, 90),
        percentile(before, 99),
        percentile(after, 50),
        percentile(after, 90),
        percentile(after, 99));
  }

  /** End-to-end latencies (ms) of the windows sent in [{@code from}, {@code to}) (ns). */
  static double[] endToEndMs(List<long[]> received, long from, long to) {
    return received.stream()
        .filter(r -> r[0] >= from && r[0] < to)
        .mapToDouble(r -> (r[1] - r[0]) / 1e6)
        .toArray();
  }

  /** In-topology latencies (ms) of the windows sent in [{@code from}, {@code to}) (ns). */
  static double[] inTopologyMs(List<long[]> received, long from, long to) {
    return received.stream()
        .filter(r -> r[0] >= from && r[0] < to)
        .mapToDouble(r -> r[2] / 1000.0)
        .toArray();
  }

  /**
   * Windows per second between the first and the last commit that made recognitions visible:
   * recognitions become readable in bursts, one per transaction, so the windows of the first burst
   * were scored before the first arrival and do not count; the pipeline's fill (resume, first poll)
   * and drain (the last commit interval) are latency, reported by the paced phase.
   *
   * @param arrivals sorted arrival times (ns) of the round's recognitions at the reader
   */
  static double steadyRate(long[] arrivals) {
    int n = arrivals.length;
    if (n < 2) {
      return Double.NaN;
    }
    int firstBurst = 0;
    while (firstBurst < n && arrivals[firstBurst] - arrivals[0] <= BURST_GAP_NANOS) {
      firstBurst++;
    }
    double seconds = (arrivals[n - 1] - arrivals[0]) / 1e9;
    if (firstBurst >= n || seconds <= 0) {
      return Double.NaN;
    }
    return (n - firstBurst) / seconds;
  }

  /** Arrivals this close to the first belong to the first burst (the reader polls every 20 ms). */
  static final long BURST_GAP_NANOS = 10_000_000L;

  /**
   * Pauses the topology and produces one round: every window of every stream, numbered from batch
   * {@code seq}; the frames are produced while the topology is paused, so the load generator's work
   * is not the topology's (the bare side gets its clips ready in memory too). Returns the next
   * batch number; the caller resumes the topology.
   */
  private long produceRound(
      RecognizerService service,
      KafkaProducer<String, FrameBatch> producer,
      Cluster cluster,
      List<List<FrameBatch>> clips,
      long seq,
      Map<String, Long> sentAt) {
    service.streams().pause();
    for (int w = 0; w < options.windowsPerStream(); w++, seq++) {
      for (List<FrameBatch> s : clips) {
        send(producer, cluster, SyntheticFrameBatches.renumbered(s.get(w), seq), sentAt);
      }
    }
    producer.flush();
    return seq;
  }

  private static String key(String stream, long firstSequence) {
    return stream + ":" + firstSequence;
  }

  private void send(
      KafkaProducer<String, FrameBatch> p, Cluster c, FrameBatch b, Map<String, Long> sentAt) {
    sentAt.put(key(b.getStreamId(), b.getFrames().get(0).getSequence()), System.nanoTime());
    p.send(new ProducerRecord<>(c.topics().frames().name(), b.getStreamId(), b));
  }

  private void read(
      Cluster cluster,
      Map<String, Long> sentAt,
      List<long[]> received,
      Map<String, Recognition> byKey,
      AtomicBoolean reading,
      AtomicLong newLabelSeenAt) {
    Map<String, Object> cc = cluster.consumerConfig("bench-reader");
    cc.remove("group.id");
    cc.put(
        "fetch.max.wait.ms",
        (int) Math.min(Integer.MAX_VALUE, options.readerFetchWait().toMillis()));
    String topic = cluster.topics().recognitions().name();
    try (KafkaConsumer<String, Recognition> c =
        new KafkaConsumer<>(
            cc,
            new StringDeserializer(),
            cluster.topics().recognitions().valueSerde().deserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (int p = 0; p < cluster.topics().recognitions().partitions(); p++) {
        parts.add(new TopicPartition(topic, p));
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      while (reading.get()) {
        for (ConsumerRecord<String, Recognition> r : c.poll(Duration.ofMillis(20))) {
          long now = System.nanoTime();
          Recognition v = r.value();
          String k = key(v.getStreamId(), v.getFirstSequence());
          byKey.put(k, v);
          Long sent = sentAt.get(k);
          if (sent != null) {
            received.add(
                new long[] {
                  sent,
                  now,
                  (long) (v.getProcessingLatencyMs() * 1000),
                  v.getRecognizedAt().toEpochMilli()
                });
          }
          maxVocabulary.accumulateAndGet(v.getVocabularyVersion(), Math::max);
          long base = vocabularyBaseline.get();
          if (base >= 0 && newLabelSeenAt.get() == 0 && v.getVocabularyVersion() > base) {
            newLabelSeenAt.set(now);
          }
        }
      }
    }
  }

  /**
   * The bare side: the model replica alone. The scorer the topology uses ({@link ModelClipScorer})
   * with the topology's initial weights runs the model and ranks ({@link
   * ModelClipScorer#score(io.openmede.recognizer.score.ClipScorer.Prepared, VocabularySnapshot,
   * int)}) on the windows of the throughput phase, decoded and preprocessed beforehand, in
   * micro-batches of the topology's size, on one thread, without Kafka. The topology does the
   * decoding and preprocessing itself (on its stream thread) on top of that.
   */
  private final class BareScorer implements AutoCloseable {
    private final List<ClipWindow> windows = new ArrayList<>();
    private final List<ClipScorer.Prepared> prepared = new ArrayList<>();
    private final VocabularySnapshot vocab;
    private final ModelSlot<ClipModel> slot;
    private final ModelClipScorer scorer;
    private double prepareWindowsPerSecond;

    BareScorer(RecognizerSettings rs, List<List<FrameBatch>> clips, List<String> labels)
        throws IOException {
      ClassEmbeddingCache cache =
          new ClassEmbeddingCache(
              ClipTokenizer.standard()::encodePadded, ClassTextEncoder.DEFAULT_TEMPLATES);
      vocab =
          new VocabularySnapshot(
              1, labels.stream().map(l -> new VocabularyClass(l, List.of())).toList());
      for (int w = 0; w < options.windowsPerStream(); w++) {
        for (List<FrameBatch> s : clips) {
          FrameBatch b = s.get(w);
          windows.add(new ClipWindow(b.getStreamId(), 0, 0, 0, 0, 0, FrameBatchCheck.frames(b)));
        }
      }
      Optional<Path> weights =
          rs.weights().isPresent() ? rs.weights() : DefaultWeights.defaultFor(rs.preset());
      ClipModel model =
          ClipModelLoader.inferringIn(
              weights.isPresent()
                  ? ClipModel.load(weights.get(), ComputeDevice.CPU)
                  : ClipModel.random(ClipConfig.preset(rs.preset()), rs.seed(), ComputeDevice.CPU),
              rs.modelDtype());
      slot = new ModelSlot<>(model, "bare");
      scorer = new ModelClipScorer(slot, cache);
      for (int i = 0; i < WARM_UP_PASSES; i++) {
        prepareAll(); // untimed (JIT)
      }
      long t0 = System.nanoTime();
      prepareAll();
      prepareWindowsPerSecond = windows.size() / ((System.nanoTime() - t0) / 1e9);
      for (int i = 0; i < WARM_UP_PASSES; i++) {
        pass(); // untimed
      }
    }

    private void prepareAll() {
      prepared.clear();
      for (int i = 0; i < windows.size(); i += options.maxBatch()) {
        prepared.add(
            scorer.prepare(windows.subList(i, Math.min(windows.size(), i + options.maxBatch()))));
      }
    }

    /** Decoding and preprocessing alone, windows per second on one thread. */
    double prepareWindowsPerSecond() {
      return prepareWindowsPerSecond;
    }

    /** One timed pass over every window in micro-batches of the configured size. */
    double windowsPerSecond() {
      // on the CPU the topology's scoring thread holds, if it holds one (it is idle meanwhile):
      // the bare model gets the same core, kept free of the process's other threads alike
      java.util.BitSet own = ThreadPriorities.reservedCpus();
      boolean pinned = !own.isEmpty() && ThreadPriorities.pinCurrentThread(own);
      try {
        long c0 =
            java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        pass();
        long wall = System.nanoTime() - t0;
        long cpu =
            java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - c0;
        out.printf(
            "  bare thread on cpu %.0f%% of %.2f s%s%n",
            100.0 * cpu / wall,
            wall / 1e9,
            pinned ? ", on CPU " + own + " (the scoring thread's)" : "");
        return windows.size() / (wall / 1e9);
      } finally {
        if (pinned) {
          ThreadPriorities.pinCurrentThread(ThreadPriorities.sharedCpus());
        }
      }
    }

    /**
     * The whole machine: one bare scoring thread per CPU of the machine, thread i pinned to CPU i,
     * each on the same prepared windows (libtorch with this process's intra-op threads: one each at
     * the benchmark's default, so the threads are the replicas, one per core), started together;
     * windows per second over all of them, from the start to the last thread done. The count is the
     * machine's, not the JVM's: the benchmark confines the process's other threads to the shared
     * CPUs, which the JVM then reports as all it has.
     */
    double machineWindowsPerSecond() throws InterruptedException {
      int n = ThreadCpu.machineCpus();
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      List<Thread> threads = new ArrayList<>();
      java.util.concurrent.atomic.AtomicReference<RuntimeException> failed =
          new java.util.concurrent.atomic.AtomicReference<>();
      for (int i = 0; i < n; i++) {
        java.util.BitSet cpu = new java.util.BitSet();
        cpu.set(i);
        Thread t =
            new Thread(
                () -> {
                  try {
                    ThreadPriorities.pinCurrentThread(cpu);
                    go.await();
                    pass();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  } catch (RuntimeException e) {
                    failed.compareAndSet(null, e);
                  }
                },
                "bench-machine-" + i);
        threads.add(t);
        t.start();
      }
      long t0 = System.nanoTime();
      go.countDown();
      for (Thread t : threads) {
        t.join();
      }
      long wall = System.nanoTime() - t0;
      if (failed.get() != null) {
        throw failed.get();
      }
      double rate = (double) n * windows.size() / (wall / 1e9);
      out.printf(
          "bare scorer on every core (%d threads): %.1f windows/s in %.2f s%n",
          n, rate, wall / 1e9);
      return rate;
    }

    private void pass() {
      for (ClipScorer.Prepared batch : prepared) {
        ScoredBatch scored = scorer.score(batch, vocab, 5);
        if (scored.scores().stream().anyMatch(x -> x.refusal().isPresent())) {
          throw new IllegalStateException("the bare scorer refused a window");
        }
      }
    }

    @Override
    public void close() {
      slot.close();
    }
  }

  /** The stream threads' time split and commit latency (Kafka Streams' own metrics). */
  private static String streamThreadMetrics(RecognizerService service) {
    Map<String, Double> m = new java.util.TreeMap<>();
    service
        .streams()
        .metrics()
        .forEach(
            (name, metric) -> {
              if (name.group().equals("stream-thread-metrics")
                  && List.of(
                          "poll-ratio",
                          "process-ratio",
                          "commit-ratio",
                          "punctuate-ratio",
                          "commit-latency-avg",
                          "commit-latency-max",
                          "commit-rate")
                      .contains(name.name())
                  && metric.metricValue() instanceof Number n) {
                m.merge(name.name(), n.doubleValue(), Double::sum);
              }
            });
    return describe(m, "%.3f");
  }

  /**
   * How the Kafka clients talk to the broker (their own metrics, averaged over their last 30-60 s):
   * the Streams consumers' fetches and the records each returned, the Streams producer's and the
   * benchmark's frame producer's requests.
   */
  private static String requestMetrics(
      RecognizerService service, KafkaProducer<String, FrameBatch> frames) {
    Map<String, Double> m = new java.util.TreeMap<>();
    service
        .streams()
        .metrics()
        .forEach(
            (name, metric) -> {
              String client = name.tags().getOrDefault("client-id", "");
              boolean main =
                  client.endsWith("-consumer")
                      && !client.contains("restore")
                      && !client.contains("global");
              if (!(metric.metricValue() instanceof Number n) || Double.isNaN(n.doubleValue())) {
                return;
              }
              if (main
                  && name.group().equals("consumer-fetch-manager-metrics")
                  && !name.tags().containsKey("topic")
                  && List.of("fetch-rate", "records-per-request-avg").contains(name.name())) {
                m.merge("streams consumer " + name.name(), n.doubleValue(), Double::sum);
              }
              if (client.endsWith("-producer")
                  && name.group().equals("producer-metrics")
                  && List.of("request-rate", "records-per-request-avg").contains(name.name())) {
                m.merge("streams producer " + name.name(), n.doubleValue(), Double::sum);
              }
            });
    frames
        .metrics()
        .forEach(
            (name, metric) -> {
              if (name.group().equals("producer-metrics")
                  && name.name().equals("request-rate")
                  && metric.metricValue() instanceof Number n) {
                m.merge("frame producer request-rate", n.doubleValue(), Double::sum);
              }
            });
    return describe(m, "%.1f");
  }

  /** "name value, name value, ..." with each value in {@code format}. */
  private static String describe(Map<String, Double> metrics, String format) {
    return metrics.entrySet().stream()
        .map(e -> e.getKey() + " " + String.format(java.util.Locale.ROOT, format, e.getValue()))
        .collect(java.util.stream.Collectors.joining(", "));
  }

  /**
   * CPU over a phase: this JVM's threads by group, the broker's JVM (and its JIT) when it runs
   * here, and the whole machine.
   */
  private record PhaseCpu(
      long startNanos,
      Map<String, Long> groups,
      java.util.OptionalLong brokerPid,
      long brokerMs,
      long brokerJitMs,
      long jitMs,
      long[] machine) {
    static PhaseCpu start(java.util.OptionalLong brokerPid) {
      return new PhaseCpu(
          System.nanoTime(),
          ThreadCpu.byGroup(),
          brokerPid,
          brokerPid.isPresent() ? ThreadCpu.processCpuMillis(brokerPid.getAsLong()) : 0,
          brokerPid.isPresent() ? ThreadCpu.processJitMillis(brokerPid.getAsLong()) : 0,
          ThreadCpu.jitMillis(),
          ThreadCpu.machineJiffies());
    }

    /** The CPU since the start, in cores (CPU seconds per second). */
    String describe() {
      double wall = (System.nanoTime() - startNanos) / 1e9;
      Map<String, Long> perCore = new LinkedHashMap<>();
      ThreadCpu.delta(groups, ThreadCpu.byGroup())
          .forEach((k, v) -> perCore.put(k, (long) (v / wall)));
      StringBuilder b = new StringBuilder(ThreadCpu.describe(perCore));
      b.append(
          String.format(
              java.util.Locale.ROOT,
              "; this JVM's JIT %.2f",
              (ThreadCpu.jitMillis() - jitMs) / 1e3 / wall));
      if (brokerPid.isPresent()) {
        long pid = brokerPid.getAsLong();
        b.append(
            String.format(
                java.util.Locale.ROOT,
                "; broker JVM %.2f (its JIT %.2f)",
                (ThreadCpu.processCpuMillis(pid) - brokerMs) / 1e3 / wall,
                (ThreadCpu.processJitMillis(pid) - brokerJitMs) / 1e3 / wall));
      }
      b.append(
          String.format(
              java.util.Locale.ROOT,
              "; whole machine %.2f of %d over %.1f s",
              ThreadCpu.machineCoresBusy(machine, ThreadCpu.machineJiffies()),
              ThreadCpu.machineCpus(),
              wall));
      return b.toString();
    }
  }

  /** Scoring counters of the running topology at one moment. */
  private record Snapshot(long batches, double windows, double scoringSeconds) {
    static Snapshot of(RecognizerService service) {
      var size = service.metrics().batchSize.collect().getDataPoints().get(0);
      var secs = service.metrics().batchSeconds.collect().getDataPoints().get(0);
      return new Snapshot(size.getCount(), size.getSum(), secs.getSum());
    }
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  /** Publishes one enabled entry without prompt templates per label. */
  static void publishVocabulary(Cluster cluster, List<String> labels) throws Exception {
    try (KafkaProducer<String, VocabularyEntry> p =
        new KafkaProducer<>(
            cluster.producerConfig("bench-vocab"),
            new StringSerializer(),
            cluster.topics().vocabulary().valueSerde().serializer())) {
      for (String l : labels) {
        p.send(
            new ProducerRecord<>(
                cluster.topics().vocabulary().name(),
                l,
                new VocabularyEntry(l, List.of(), true, Instant.now())));
      }
      p.flush();
    }
  }

  private static CheckpointAnnouncement announcement(
      String modelName, String version, long updates, Path weights) throws Exception {
    byte[] bytes = Files.readAllBytes(weights);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    return CheckpointAnnouncement.newBuilder()
        .setModelName(modelName)
        .setVersion(version)
        .setUri(weights.toUri().toString())
        .setSha256(sha)
        .setSizeBytes(bytes.length)
        .setPreset("tiny")
        .setTraining(
            new TrainingSummary("plain", updates, 0L, Map.of(), 0.0, 1.0, 1, 1, 0.0, 0.0, 0.0))
        .setCreatedAt(Instant.now())
        .build();
  }

  private static void announce(Cluster cluster, CheckpointAnnouncement a) throws Exception {
    try (KafkaProducer<String, CheckpointAnnouncement> p =
        new KafkaProducer<>(
            cluster.producerConfig("bench-ckpt"),
            new StringSerializer(),
            cluster.topics().checkpoints().valueSerde().serializer())) {
      p.send(new ProducerRecord<>(cluster.topics().checkpoints().name(), a.getModelName(), a))
          .get();
    }
  }

  private static void waitFor(java.util.function.BooleanSupplier done, Duration timeout)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException("benchmark phase timed out after " + timeout);
      }
      Thread.sleep(5);
    }
  }

  static double percentile(double[] values, double p) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] v = values.clone();
    Arrays.sort(v);
    int i = (int) Math.ceil(p / 100.0 * v.length) - 1;
    return v[Math.max(0, Math.min(v.length - 1, i))];
  }
}
