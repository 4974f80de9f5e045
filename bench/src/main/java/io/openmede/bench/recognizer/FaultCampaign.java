package io.openmede.bench.recognizer;

import io.openmede.bench.recognizer.FaultAccounting.Outcome;
import io.openmede.bench.recognizer.FaultAccounting.WindowKey;
import io.openmede.recognizer.RecognizerSettings;
import io.openmede.recognizer.process.ChildJvm;
import io.openmede.recognizer.process.RecognizerProcess;
import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.DeadLetter;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.avro.Recognition;
import io.openmede.schemas.avro.TrainingSummary;
import io.openmede.schemas.avro.VocabularyEntry;
import io.openmede.schemas.checkpoint.CheckpointSigning;
import io.openmede.schemas.checkpoint.KeyFiles;
import io.openmede.schemas.topic.Cluster;
import io.openmede.settings.ConnectionSettings;
import io.openmede.settings.Settings;
import io.openmede.world.Action;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The fault campaign: running recognition on a broker of its own (the embedded platform in a JVM of
 * its own, data kept so that it can restart), two recognizer processes of one application, and
 * synthetic cameras producing one window per frame batch; one fault after another, each followed by
 * a check that every stream is recognized again within a bound:
 *
 * <ol>
 *   <li>bad input on each topic the recognizer reads: frames (not Avro, an unknown schema id: to
 *       dead letters), vocabulary (the same, a prompt without {@code {}}, an empty label, a 1 MB
 *       label: refused, counted by {@code openmede_recognizer_vocabulary_refused_total}),
 *       checkpoints (the same two, an unsigned announcement and one signed by another key, a file
 *       outside {@code recognizer.checkpoints.roots}, a symlink out of the root, {@code /dev/zero}:
 *       refused, counted by {@code openmede_recognizer_checkpoints_refused_total});
 *   <li>the broker stopped, down a while, started again on the same ports and data;
 *   <li>{@code kill -9} of one of the two recognizers (the other takes its partitions over);
 *   <li>an ingest restart: {@code openmede ingest synthetic}, running from the start as one more
 *       camera, stopped and started again; when the launcher is not on the class path, the
 *       campaign's own frame producer restarted instead.
 * </ol>
 *
 * Then every recognition is read back (read_committed) and accounted ({@link FaultAccounting}). The
 * last line printed is {@code RESULT faults=N survived=N windows_lost=N windows_doubled=N
 * dead_lettered=N}.
 */
final class FaultCampaign {

  /**
   * What to run.
   *
   * @param streams synthetic cameras
   * @param batchesPerSecond frame batches (one window each) per second and camera
   * @param caseLength steady recognition between two faults
   * @param bound how long after a fault every stream must be recognized again
   * @param brokerDown how long the broker stays stopped
   */
  public record Options(
      int streams,
      double batchesPerSecond,
      Duration caseLength,
      Duration bound,
      Duration brokerDown) {
    public Options {
      if (streams < 1) {
        throw new IllegalArgumentException("--streams " + streams + " must be at least 1");
      }
      if (!(batchesPerSecond > 0)) {
        throw new IllegalArgumentException("--rate " + batchesPerSecond + " must be above 0");
      }
    }
  }

  /** The figures of the last line. */
  public record Result(
      int faults, int survived, int windowsLost, int windowsDoubled, int deadLettered) {
    public String resultLine() {
      return String.format(
          Locale.ROOT,
          "RESULT faults=%d survived=%d windows_lost=%d windows_doubled=%d dead_lettered=%d",
          faults,
          survived,
          windowsLost,
          windowsDoubled,
          deadLettered);
    }
  }

  /** The campaign's recognizers: one application id, so that they share the partitions. */
  static final String APPLICATION_ID = "openmede-faults";

  /** Stream ids of the synthetic cameras: {@code faults-cam-0 ..}. */
  static final String STREAM_PREFIX = "faults-cam-";

  /** The launcher's main class: with it on the class path, the campaign runs {@code ingest}. */
  static final String LAUNCHER = "io.openmede.cli.Main";

  /** The stream of {@code openmede ingest synthetic --cameras 1}. */
  static final String INGEST_STREAM = "synthetic-0";

  /** How long a refusal may take to show (dead letter or metric). */
  private static final Duration REFUSAL_WAIT = Duration.ofSeconds(20);

  /** Recognitions drain after the last batch at most this long... */
  private static final Duration DRAIN = Duration.ofSeconds(60);

  /** ...and not longer than this without a new recognition. */
  private static final Duration QUIET = Duration.ofSeconds(15);

  private final Options options;
  private final PrintStream out;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final long started = System.nanoTime();

  private final List<Verdict> verdicts = new ArrayList<>();

  /** Batch sequence numbers the broker acknowledged, per stream. */
  private final Map<String, Set<Long>> acked = new ConcurrentHashMap<>();

  /**
   * Frame sequence numbers of the ingest process's streams read back from the frames topic, one set
   * per run of the process (a batch sequence number that goes back starts a new run: an ingest that
   * numbers anew after a restart; today's continues its numbering, so there is one run).
   */
  private final Map<String, List<Set<Long>>> ingestFrames = new ConcurrentHashMap<>();

  /** The last batch sequence number read per ingest stream. */
  private final Map<String, Long> ingestLastBatch = new ConcurrentHashMap<>();

  /**
   * When each window's batch was handed to the producer, for the ingest process's streams when a
   * frame was last read back from the frames topic (ns).
   */
  private final Map<WindowKey, Long> sentAt = new ConcurrentHashMap<>();

  /** One per recognition read: its window, when its batch was sent, when it was read. */
  private final List<Seen> seen = new CopyOnWriteArrayList<>();

  private final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();
  private final AtomicLong unreadableRecognitions = new AtomicLong();
  private final AtomicLong failedSends = new AtomicLong();

  /** The streams that must be recognized: the cameras and, when it runs, the ingest process's. */
  private final Set<String> streams = new java.util.TreeSet<>();

  /** The /metrics port of the ingest process; 0 when none runs. */
  private int ingestMetricsPort;

  private Cluster cluster;
  private RecognizerSettings settings;
  private java.security.KeyPair trainerKey;
  private List<List<FrameBatch>> templates;
  private final List<Instance> instances = new ArrayList<>();

  public FaultCampaign(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  private record Seen(WindowKey key, long sentNanos, long readNanos) {}

  private record Verdict(String fault, boolean survived, String what) {}

  /** A recognizer process and the port of its /metrics. */
  private record Instance(RecognizerProcess process, int metricsPort) {}

  /** Runs the whole campaign in {@code work} (broker data, recognizer state, logs). */
  public Result run(Path work) throws Exception {
    int kafkaPort = BrokerProcess.freePort();
    int registryPort = BrokerProcess.freePort();
    Path brokerData = work.resolve("broker");
    Path brokerLog = work.resolve("broker.log");
    progress(
        "starting the broker (embedded platform in a JVM of its own, data %s, log %s)",
        brokerData, brokerLog);
    BrokerProcess broker =
        BrokerProcess.startKeeping(brokerLog, brokerData, kafkaPort, registryPort);
    Map<String, String> base = new LinkedHashMap<>();
    base.put(ConnectionSettings.BOOTSTRAP_SERVERS.name(), broker.bootstrapServers());
    base.put(ConnectionSettings.REGISTRY_URL.name(), broker.registryUrl());
    base.put(RecognizerSettings.APPLICATION_ID.name(), APPLICATION_ID);
    Path roots = Files.createDirectories(work.resolve("checkpoints"));
    base.put(RecognizerSettings.CHECKPOINT_ROOTS.name(), roots.toString());
    // signing on, as in the demo: announcements must be signed by the campaign's trainer key
    Path keys = work.resolve("keys");
    if (!Files.exists(keys.resolve("trainer.key"))) {
      KeyFiles.write(KeyFiles.generate(), keys.resolve("trainer.key"), keys.resolve("trainer.pub"));
    }
    trainerKey = KeyFiles.readPair(keys.resolve("trainer.key"));
    base.put(RecognizerSettings.TRUSTED_KEYS.name(), keys.resolve("trainer.pub").toString());
    // two recognizers and the broker share this machine: one libtorch thread each, no pinning
    base.put(RecognizerSettings.MODEL_THREADS.name(), "1");
    base.put(RecognizerSettings.THREADS_OWN_CPU.name(), "false");
    Settings s = Settings.of(RecognizerProcess.groups(), base);
    settings = RecognizerSettings.from(s);
    cluster = Cluster.from(s);
    cluster.ensureTopics();
    progress(
        "broker up at %s, registry %s; topics %s (%d partitions), %s, %s, dead letters %s",
        broker.bootstrapServers(),
        broker.registryUrl(),
        cluster.topics().frames().name(),
        cluster.topics().frames().partitions(),
        cluster.topics().vocabulary().name(),
        cluster.topics().checkpoints().name(),
        cluster.topics().deadLetters().name());

    templates =
        SyntheticFrameBatches.generate(
            STREAM_PREFIX, options.streams(), 16, settings.window().frames());
    RecognizerBenchmark.publishVocabulary(cluster, Action.labels());

    AtomicBoolean reading = new AtomicBoolean(true);
    Thread reader = new Thread(() -> readRecognitions(reading), "faults-recognitions");
    Thread deadReader = new Thread(() -> readDeadLetters(reading), "faults-dead-letters");
    reader.setDaemon(true);
    deadReader.setDaemon(true);
    Thread framesReader = new Thread(() -> readIngestFrames(reading), "faults-frames");
    framesReader.setDaemon(true);
    CameraFeed feed = null;
    ChildJvm ingest = null;
    boolean withIngest = launcherPresent();
    Result result;
    try {
      progress("starting 2 recognizer processes, application id %s", APPLICATION_ID);
      startInstances(base, work, 2);
      reader.start();
      deadReader.start();
      framesReader.start();
      long camerasStarted = System.nanoTime();
      feed = new CameraFeed("1");
      for (int k = 0; k < options.streams(); k++) {
        streams.add(STREAM_PREFIX + k);
      }
      progress(
          "%d synthetic cameras of the campaign, %.1f frame batches of %d frames (one window) per"
              + " second each",
          options.streams(), options.batchesPerSecond(), settings.window().frames());
      if (withIngest) {
        ingest = startIngest(work, 1);
        streams.add(INGEST_STREAM);
      } else {
        progress(
            "no ingest process: %s is not on the class path (run the campaign with 'openmede"
                + " bench faults')",
            LAUNCHER);
      }
      OptionalLong first = awaitEveryStream(camerasStarted, Duration.ofSeconds(180));
      if (first.isEmpty()) {
        throw new IllegalStateException(
            "the recognizers did not recognize every stream within 180 s; see the logs in " + work);
      }
      progress(
          "recognizing: every stream %s recognized %.1f s after the cameras started",
          streams, first.getAsLong() / 1000.0);
      steady();

      badInput();
      steady();
      broker = brokerRestart(broker, brokerLog, brokerData, kafkaPort, registryPort);
      steady();
      killOne();
      steady();
      if (ingest != null) {
        ingest = ingestRestart(ingest, work);
      } else {
        feed = producerRestart(feed);
      }
      steady();

      progress(
          "stopping the cameras%s; waiting up to %d s for the last windows",
          ingest != null ? " and ingest" : "", DRAIN.toSeconds());
      feed.close();
      feed = null;
      if (ingest != null) {
        ingest.close();
        ingest = null;
      }
      drain();
      result = account();
    } finally {
      if (feed != null) {
        feed.close();
      }
      if (ingest != null) {
        ingest.close();
      }
      reading.set(false);
      for (Instance i : instances) {
        i.process().close();
      }
      broker.close();
    }
    return result;
  }

  // ---- the cases ----

  private void badInput() throws Exception {
    String frames = cluster.topics().frames().name();
    String vocabulary = cluster.topics().vocabulary().name();
    String checkpoints = cluster.topics().checkpoints().name();
    byte[] notAvro = "this is not Avro".getBytes(StandardCharsets.UTF_8);
    byte[] unknownId = unknownSchemaId();

    header("bad input on " + frames);
    byte[] cam = "faults-bad-cam".getBytes(StandardCharsets.UTF_8);
    deadLettered("frames: not Avro", () -> sendRaw(frames, cam, notAvro));
    deadLettered("frames: unknown schema id", () -> sendRaw(frames, cam, unknownId));
    stillRecognizing("frames", 2);

    header("bad input on " + vocabulary);
    int before = verdicts.size();
    String scored = Action.labels().get(0);
    refused(
        "vocabulary: not Avro",
        "vocabulary",
        () -> sendRaw(vocabulary, bytes("faults not avro"), notAvro));
    refused(
        "vocabulary: unknown schema id",
        "vocabulary",
        () -> sendRaw(vocabulary, bytes("faults unknown id"), unknownId));
    refused(
        "vocabulary: prompt without {} (for scored label '" + scored + "')",
        "vocabulary",
        () ->
            sendVocabulary(
                scored,
                new VocabularyEntry(scored, List.of("no placeholder"), true, Instant.now())));
    refused(
        "vocabulary: empty label",
        "vocabulary",
        () -> sendVocabulary("", new VocabularyEntry("", List.of(), true, Instant.now())));
    hugeLabel();
    stillRecognizing("vocabulary", verdicts.size() - before);

    header("bad input on " + checkpoints);
    before = verdicts.size();
    String model = settings.modelName();
    refused(
        "checkpoints: not Avro", "checkpoints", () -> sendRaw(checkpoints, bytes(model), notAvro));
    refused(
        "checkpoints: unknown schema id",
        "checkpoints",
        () -> sendRaw(checkpoints, bytes(model), unknownId));
    Path outsideDir = Files.createTempDirectory("openmede-faults-outside");
    Path outside = outsideDir.resolve("outside.safetensors");
    Files.write(outside, new byte[4096]);
    Path inside = settings.checkpointRoots().get(0).resolve("inside.safetensors");
    Files.write(inside, new byte[4096]);
    refused(
        "checkpoints: unsigned announcement (of a file in the store)",
        "checkpoints",
        () ->
            announce(
                model,
                "faults-unsigned",
                inside.toUri().toString(),
                sha256(inside),
                4096,
                Optional.empty()));
    refused(
        "checkpoints: announcement signed by another key",
        "checkpoints",
        () ->
            announce(
                model,
                "faults-foreign",
                inside.toUri().toString(),
                sha256(inside),
                4096,
                Optional.of(KeyFiles.generate())));
    refused(
        "checkpoints: file outside the checkpoint roots (" + outside + ")",
        "checkpoints",
        () -> announce(model, "faults-outside", outside.toUri().toString(), sha256(outside), 4096));
    Path root = settings.checkpointRoots().get(0);
    Path link = root.resolve("link-out.safetensors");
    Files.deleteIfExists(link);
    Files.createSymbolicLink(link, outside);
    refused(
        "checkpoints: symlink out of the root (" + link + " -> " + outside + ")",
        "checkpoints",
        () -> announce(model, "faults-symlink", link.toUri().toString(), sha256(outside), 4096));
    refused(
        "checkpoints: /dev/zero, a never-ending file",
        "checkpoints",
        () -> announce(model, "faults-dev-zero", "file:///dev/zero", "0".repeat(64), 1L << 30));
    stillRecognizing("checkpoints", verdicts.size() - before);
    try (var files = Files.list(outsideDir)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(outsideDir);
  }

  /**
   * A label of 1 MB: the broker refuses the record (the topic's limit is 1 MiB and key and value
   * both hold the label), so then the largest label that fits goes in, which the recognizers must
   * refuse.
   */
  private void hugeLabel() throws Exception {
    java.util.concurrent.atomic.AtomicReference<String> broker =
        new java.util.concurrent.atomic.AtomicReference<>("the broker took it");
    refused(
        "vocabulary: 1 MB label",
        "vocabulary",
        () -> {
          String mb = "x".repeat(1 << 20);
          try {
            sendVocabulary(mb, new VocabularyEntry(mb, List.of(), true, Instant.now()));
            return;
          } catch (ExecutionException e) {
            broker.set(
                "the broker refused it ("
                    + e.getCause().getClass().getSimpleName()
                    + "), then a 400 000-character label that fits");
          }
          String big = "y".repeat(400_000);
          sendVocabulary(big, new VocabularyEntry(big, List.of(), true, Instant.now()));
        },
        broker::get);
  }

  private BrokerProcess brokerRestart(
      BrokerProcess broker, Path log, Path data, int kafkaPort, int registryPort) throws Exception {
    header("broker restart");
    double dropped0 = ingestDropped();
    long t0 = System.nanoTime();
    broker.close();
    progress(
        "broker stopped (SIGTERM) in %.1f s; down for %d s",
        (System.nanoTime() - t0) / 1e9, options.brokerDown().toSeconds());
    Thread.sleep(options.brokerDown().toMillis());
    long t1 = System.nanoTime();
    BrokerProcess again = BrokerProcess.startKeeping(log, data, kafkaPort, registryPort);
    long back = System.nanoTime();
    progress(
        "broker started again on the same ports and data in %.1f s (%s)",
        (back - t1) / 1e9, again.bootstrapServers());
    Optional<String> failure = recovered(back, "since the broker was back");
    if (ingestMetricsPort > 0) {
      progress(
          "ingest dropped %.0f frames of %s meanwhile (a live source drops what it cannot send;"
              + " the recognizer starts a new window after the gap)",
          ingestDropped() - dropped0, INGEST_STREAM);
    }
    verdict("broker restart", failure);
    return again;
  }

  private void killOne() throws Exception {
    header("kill -9 of one of two recognizers");
    Instance victim = instances.get(instances.size() - 1);
    long t0 = System.nanoTime();
    victim.process().kill();
    instances.remove(victim);
    progress(
        "killed recognizer %s (pid %d) with kill -9; %s takes its partitions over",
        victim.process().name(),
        victim.process().pid(),
        instances.stream().map(i -> i.process().name()).toList());
    verdict("kill -9 of a recognizer", recovered(t0, "since the kill"));
  }

  private ChildJvm ingestRestart(ChildJvm ingest, Path work) throws Exception {
    header("ingest restart");
    long seen0 =
        ingestFrames.getOrDefault(INGEST_STREAM, List.of()).stream().mapToLong(Set::size).sum();
    ingest.close();
    progress(
        "stopped 'openmede ingest synthetic' (SIGTERM, pid %d) after %d frames of %s; starting it"
            + " again in 3 s",
        ingest.pid(), seen0, INGEST_STREAM);
    Map<String, Double> dup0 = sum("openmede_recognizer_duplicate_batches_total");
    Map<String, Double> late0 = sum("openmede_recognizer_late_frames_total");
    Thread.sleep(3000);
    long t0 = System.nanoTime();
    ChildJvm again = startIngest(work, 2);
    Optional<String> failure = recovered(t0, "since ingest started again");
    progress(
        "since the restart the recognizers counted %.0f duplicate frame batches and %.0f late"
            + " frames (a restarted ingest must number on above its previous run)",
        sum("openmede_recognizer_duplicate_batches_total").getOrDefault("", 0.0)
            - dup0.getOrDefault("", 0.0),
        sum("openmede_recognizer_late_frames_total").getOrDefault("", 0.0)
            - late0.getOrDefault("", 0.0));
    verdict("ingest restart", failure);
    return again;
  }

  private ChildJvm startIngest(Path work, int generation) throws Exception {
    Path log = work.resolve("ingest.log");
    ingestMetricsPort = BrokerProcess.freePort();
    List<String> args =
        List.of(
            "ingest",
            "synthetic",
            "--cameras",
            "1",
            "--bootstrap-servers",
            cluster.connection().bootstrapServers(),
            "--registry-url",
            cluster.connection().registryUrl(),
            "--metrics-port",
            Integer.toString(ingestMetricsPort));
    ChildJvm p =
        ChildJvm.start(
            "ingest-" + generation, LAUNCHER, args, "384m", log, Optional.empty(), Duration.ZERO);
    progress(
        "started 'openmede %s' (pid %d, stream %s, log %s)",
        String.join(" ", args.subList(0, 4)), p.pid(), INGEST_STREAM, log);
    return p;
  }

  /** Frames the ingest process dropped so far; 0 when none runs. */
  private double ingestDropped() {
    return ingestMetricsPort == 0
        ? 0
        : metric(ingestMetricsPort, "openmede_ingest_frames_dropped_total").getOrDefault("", 0.0);
  }

  private static boolean launcherPresent() {
    try {
      Class.forName(LAUNCHER, false, FaultCampaign.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  private CameraFeed producerRestart(CameraFeed feed) throws Exception {
    header("ingest restart (the campaign's own cameras: no ingest process here)");
    progress(
        "the campaign's synthetic cameras stop (producer closed) and start again with a new"
            + " producer, going on from their next batch");
    feed.close();
    Thread.sleep(3000);
    long t0 = System.nanoTime();
    CameraFeed again = new CameraFeed("2", feed.nextBatch());
    verdict("frame producer restart", recovered(t0, "since the producer restarted"));
    return again;
  }

  // ---- judging ----

  private void deadLettered(String fault, Send send) throws Exception {
    String topic = cluster.topics().frames().name();
    long before = deadLetters.stream().filter(d -> d.getSourceTopic().equals(topic)).count();
    long t0 = System.nanoTime();
    send.run();
    long end = t0 + REFUSAL_WAIT.toNanos();
    while (System.nanoTime() < end) {
      List<DeadLetter> fromFrames =
          deadLetters.stream().filter(d -> d.getSourceTopic().equals(topic)).toList();
      if (fromFrames.size() > before) {
        DeadLetter d = fromFrames.get((int) before);
        boolean withReason = d.getError() != null && !d.getError().isBlank();
        verdict(
            fault,
            withReason && everyInstanceAlive(),
            String.format(
                Locale.ROOT,
                "dead-lettered in %.1f s: %s",
                (System.nanoTime() - t0) / 1e9,
                shorten(d.getError())));
        return;
      }
      Thread.sleep(100);
    }
    verdict(fault, false, "no dead letter within " + REFUSAL_WAIT.toSeconds() + " s");
  }

  private void refused(String fault, String counter, Send send) throws Exception {
    refused(fault, counter, send, () -> "");
  }

  /**
   * Sends a bad record and waits until every live recognizer's refusal counter {@code counter} went
   * up; {@code note}, if not empty, goes in front of the verdict.
   */
  private void refused(
      String fault, String counter, Send send, java.util.function.Supplier<String> note)
      throws Exception {
    List<Map<String, Double>> before = new ArrayList<>();
    for (Instance i : instances) {
      before.add(refusals(i, counter));
    }
    long t0 = System.nanoTime();
    send.run();
    long end = t0 + REFUSAL_WAIT.toNanos();
    while (true) {
      List<String> reasons = new ArrayList<>();
      for (int k = 0; k < instances.size(); k++) {
        Map<String, Double> now = refusals(instances.get(k), counter);
        for (Map.Entry<String, Double> e : now.entrySet()) {
          if (e.getValue() > before.get(k).getOrDefault(e.getKey(), 0.0)) {
            reasons.add(e.getKey());
            break;
          }
        }
      }
      if (reasons.size() == instances.size()) {
        verdict(
            fault,
            everyInstanceAlive(),
            String.format(
                Locale.ROOT,
                "%srefused by %d/%d recognizers in %.1f s, reason %s",
                note.get().isEmpty() ? "" : note.get() + "; ",
                reasons.size(),
                instances.size(),
                (System.nanoTime() - t0) / 1e9,
                String.join("/", new java.util.TreeSet<>(reasons))));
        return;
      }
      if (System.nanoTime() > end) {
        verdict(
            fault,
            false,
            (note.get().isEmpty() ? "" : note.get() + "; ")
                + "refused by "
                + reasons.size()
                + "/"
                + instances.size()
                + " recognizers within "
                + REFUSAL_WAIT.toSeconds()
                + " s");
        return;
      }
      Thread.sleep(200);
    }
  }

  /** After bad input: the recognizers still recognize every stream; otherwise the faults failed. */
  private void stillRecognizing(String topic, int faults) throws InterruptedException {
    long t0 = System.nanoTime();
    Optional<String> late = recovered(t0, "after the bad " + topic + " records");
    if (late.isPresent()) {
      for (int k = verdicts.size() - faults; k < verdicts.size(); k++) {
        Verdict v = verdicts.get(k);
        verdicts.set(k, new Verdict(v.fault(), false, v.what() + "; " + late.get()));
      }
    }
  }

  /**
   * Waits until every stream has a recognition of a window sent after {@code t0}; empty when it did
   * within the bound, else what went wrong.
   */
  private Optional<String> recovered(long t0, String since) throws InterruptedException {
    OptionalLong ms = awaitEveryStream(t0, options.bound());
    boolean alive = everyInstanceAlive();
    if (ms.isPresent() && alive) {
      progress(
          "recognitions continue: every stream recognized again %.1f s %s (bound %d s)",
          ms.getAsLong() / 1000.0, since, options.bound().toSeconds());
      return Optional.empty();
    }
    String why =
        ms.isEmpty()
            ? "not every stream recognized within " + options.bound().toSeconds() + " s " + since
            : "a recognizer process died";
    progress("recognitions do NOT continue: %s", why);
    return Optional.of(why);
  }

  private void verdict(String fault, Optional<String> failure) {
    verdict(fault, failure.isEmpty(), failure.orElse("recognitions continued"));
  }

  private void verdict(String fault, boolean survived, String what) {
    verdicts.add(new Verdict(fault, survived, what));
    progress("  %s %s: %s", survived ? "survived" : "NOT SURVIVED", fault, what);
  }

  /** Milliseconds until every stream had a recognition of a window sent at or after {@code t0}. */
  private OptionalLong awaitEveryStream(long t0, Duration bound) throws InterruptedException {
    long end = t0 + bound.toNanos();
    while (true) {
      Map<String, Long> firstRead = new TreeMap<>();
      for (Seen x : seen) {
        if (x.sentNanos() >= t0 && streams.contains(x.key().stream())) {
          firstRead.merge(x.key().stream(), x.readNanos(), Math::min);
        }
      }
      if (firstRead.keySet().containsAll(streams)) {
        long last = firstRead.values().stream().mapToLong(Long::longValue).max().orElse(t0);
        return OptionalLong.of(TimeUnit.NANOSECONDS.toMillis(last - t0));
      }
      if (System.nanoTime() > end) {
        return OptionalLong.empty();
      }
      Thread.sleep(100);
    }
  }

  private boolean everyInstanceAlive() {
    return instances.stream().allMatch(i -> i.process().alive());
  }

  private void steady() throws InterruptedException {
    Thread.sleep(options.caseLength().toMillis());
    progress(
        "steady: %d recognitions read, %d dead letters, %d batches acknowledged",
        seen.size(), deadLetters.size(), acked.values().stream().mapToInt(Set::size).sum());
  }

  /**
   * Waits until every expected window is recognized, or no recognition came for {@link #QUIET}
   * (what is missing then stays missing), or {@link #DRAIN} passed.
   */
  private void drain() throws InterruptedException {
    long t0 = System.nanoTime();
    long end = t0 + DRAIN.toNanos();
    int count = seen.size();
    long lastNew = t0;
    while (System.nanoTime() < end) {
      if (FaultAccounting.account(expected(), keys(), Set.of()).lost().isEmpty()) {
        break;
      }
      if (seen.size() != count) {
        count = seen.size();
        lastNew = System.nanoTime();
      } else if (System.nanoTime() - lastNew > QUIET.toNanos()) {
        progress(
            "no recognition for %d s: the windows still missing will not come", QUIET.toSeconds());
        break;
      }
      Thread.sleep(250);
    }
    Thread.sleep(2000); // a duplicate would show up now
    progress("drained in %.1f s", (System.nanoTime() - t0) / 1e9);
  }

  // ---- accounting ----

  private List<WindowKey> expected() {
    List<WindowKey> all = new ArrayList<>();
    int n = settings.window().frames();
    for (Map.Entry<String, Set<Long>> e : acked.entrySet()) {
      List<Long> frames = new ArrayList<>();
      for (long b : e.getValue()) {
        for (int f = 0; f < n; f++) {
          frames.add(b * n + f);
        }
      }
      all.addAll(FaultAccounting.expectedWindows(e.getKey(), frames, settings.window()));
    }
    for (Map.Entry<String, List<Set<Long>>> e : ingestFrames.entrySet()) {
      for (Set<Long> run : e.getValue()) {
        all.addAll(FaultAccounting.expectedWindows(e.getKey(), run, settings.window()));
      }
    }
    return all;
  }

  private List<WindowKey> keys() {
    return seen.stream().map(Seen::key).toList();
  }

  private Result account() {
    header("accounting");
    Set<WindowKey> dead = new java.util.HashSet<>();
    Deserializer<FrameBatch> frames = cluster.topics().frames().valueSerde().deserializer();
    Map<String, Integer> bySource = new TreeMap<>();
    int withReason = 0;
    for (DeadLetter d : deadLetters) {
      bySource.merge(d.getSourceTopic(), 1, Integer::sum);
      if (d.getError() != null && !d.getError().isBlank()) {
        withReason++;
      }
      if (d.getOriginalValue() != null
          && d.getSourceTopic().equals(cluster.topics().frames().name())) {
        try {
          ByteBuffer v = d.getOriginalValue().duplicate();
          byte[] b = new byte[v.remaining()];
          v.get(b);
          FrameBatch fb = frames.deserialize(d.getSourceTopic(), b);
          if (fb != null && !fb.getFrames().isEmpty()) {
            dead.add(new WindowKey(fb.getStreamId(), fb.getFrames().get(0).getSequence()));
          }
        } catch (RuntimeException notFrames) {
          // bytes that are not a frame batch hold no window
        }
      }
    }
    Outcome o = FaultAccounting.account(expected(), keys(), dead);
    progress(
        "%d windows expected from the frame batches the broker acknowledged (%d sends failed)%s;"
            + " %d recognized, %d recognitions read in all (%d unreadable), %d of windows not"
            + " expected",
        o.expected(),
        failedSends.get(),
        ingestFrames.isEmpty() ? "" : " and the ingest frames read back",
        o.recognized(),
        seen.size(),
        unreadableRecognitions.get(),
        o.unexpected());
    Map<String, Integer> lostBy = new TreeMap<>();
    o.lost().forEach(k -> lostBy.merge(k.stream(), 1, Integer::sum));
    progress(
        "windows lost: %d%s",
        o.lost().size(), o.lost().isEmpty() ? "" : " by stream " + lostBy + ": " + first(o.lost()));
    progress(
        "windows doubled: %d%s",
        o.doubled().size(), o.doubled().isEmpty() ? "" : " " + first(o.doubled()));
    for (Map.Entry<String, List<Set<Long>>> e : ingestFrames.entrySet()) {
      Set<WindowKey> earlier = new java.util.HashSet<>();
      int reused = 0;
      for (Set<Long> run : e.getValue()) {
        List<WindowKey> windows =
            FaultAccounting.expectedWindows(e.getKey(), run, settings.window());
        for (WindowKey k : windows) {
          if (earlier.contains(k)) {
            reused++;
          }
        }
        earlier.addAll(windows);
      }
      if (e.getValue().size() > 1) {
        progress(
            "%s: %d runs of ingest that numbered frames anew: %d windows of a later run have"
                + " the key (stream, first frame) of an earlier run's window and count once",
            e.getKey(), e.getValue().size(), reused);
      }
    }
    progress("dead letters: %d with a reason, by source topic %s", withReason, bySource);
    for (Instance i : instances) {
      progress(
          "refusals counted by %s's metrics: vocabulary %s, checkpoints %s",
          i.process().name(), refusals(i, "vocabulary"), refusals(i, "checkpoints"));
    }
    int survived = 0;
    for (Verdict v : verdicts) {
      if (v.survived()) {
        survived++;
      }
    }
    progress("faults: %d, survived: %d", verdicts.size(), survived);
    for (Verdict v : verdicts) {
      progress("  %-13s %s", v.survived() ? "survived" : "NOT SURVIVED", v.fault());
    }
    for (Verdict v : verdicts) {
      if (!v.survived()) {
        progress("not survived: %s: %s", v.fault(), v.what());
      }
    }
    return new Result(verdicts.size(), survived, o.lost().size(), o.doubled().size(), withReason);
  }

  private static String first(List<WindowKey> keys) {
    return keys.size() <= 10
        ? keys.toString()
        : keys.subList(0, 10) + " and " + (keys.size() - 10) + " more";
  }

  // ---- the platform's parts ----

  private void startInstances(Map<String, String> base, Path work, int n) throws Exception {
    List<Thread> starting = new ArrayList<>();
    List<Exception> failures = new CopyOnWriteArrayList<>();
    List<Instance> started = new CopyOnWriteArrayList<>();
    for (int k = 1; k <= n; k++) {
      String name = "recognizer-" + k;
      Map<String, String> values = new LinkedHashMap<>(base);
      Path dir = work.resolve(name);
      values.put(RecognizerSettings.STATE_DIR.name(), dir.resolve("state").toString());
      values.put(RecognizerSettings.CHECKPOINT_CACHE.name(), dir.resolve("ckpt").toString());
      int port = BrokerProcess.freePort();
      values.put(RecognizerSettings.METRICS_PORT.name(), Integer.toString(port));
      Path log = work.resolve(name + ".log");
      Thread t =
          new Thread(
              () -> {
                try {
                  long t0 = System.nanoTime();
                  RecognizerProcess p =
                      RecognizerProcess.start(name, values, "768m", log, Duration.ofSeconds(180));
                  started.add(new Instance(p, port));
                  progress(
                      "%s running (pid %d) in %.1f s, metrics on :%d, log %s",
                      name, p.pid(), (System.nanoTime() - t0) / 1e9, port, log);
                } catch (IOException | InterruptedException e) {
                  failures.add(e);
                }
              },
              "faults-start-" + name);
      t.start();
      starting.add(t);
    }
    for (Thread t : starting) {
      t.join();
    }
    instances.addAll(started);
    instances.sort(java.util.Comparator.comparing(i -> i.process().name()));
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
  }

  private static final Pattern METRIC_LINE =
      Pattern.compile("^(\\w+)(?:\\{reason=\"(\\w+)\"\\})? (\\S+)$");

  /** The refusal counter {@code vocabulary} or {@code checkpoints} of one recognizer, by reason. */
  private Map<String, Double> refusals(Instance i, String counter) {
    return metric(i, "openmede_recognizer_" + counter + "_refused_total");
  }

  /** A metric summed over the live recognizers, by reason ("" without one). */
  private Map<String, Double> sum(String name) {
    Map<String, Double> m = new TreeMap<>();
    for (Instance i : instances) {
      metric(i, name).forEach((k, v) -> m.merge(k, v, Double::sum));
    }
    return m;
  }

  /** A counter of one recognizer's /metrics, by reason ("" without one); empty when unreachable. */
  private Map<String, Double> metric(Instance i, String name) {
    return metric(i.metricsPort(), name);
  }

  /**
   * A counter of the /metrics on {@code port}, by reason ("" without one); empty when unreachable.
   */
  private Map<String, Double> metric(int port, String name) {
    Map<String, Double> m = new TreeMap<>();
    try {
      String body =
          http.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                      .timeout(Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      for (String line : body.split("\n")) {
        Matcher x = METRIC_LINE.matcher(line.strip());
        if (x.matches() && x.group(1).equals(name)) {
          m.put(x.group(2) == null ? "" : x.group(2), Double.parseDouble(x.group(3)));
        }
      }
    } catch (IOException e) {
      // a dead recognizer has no metrics
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return m;
  }

  /** The synthetic cameras: one frame batch per camera every period, on a thread of their own. */
  private final class CameraFeed implements AutoCloseable {
    private final KafkaProducer<String, FrameBatch> producer;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private final AtomicLong next;

    CameraFeed(String generation) {
      this(generation, 0);
    }

    CameraFeed(String generation, long firstBatch) {
      producer =
          new KafkaProducer<>(
              quiet(cluster.producerConfig("faults-cameras-" + generation)),
              new StringSerializer(),
              cluster.topics().frames().valueSerde().serializer());
      next = new AtomicLong(firstBatch);
      thread = new Thread(this::loop, "faults-cameras-" + generation);
      thread.setDaemon(true);
      thread.start();
    }

    long nextBatch() {
      return next.get();
    }

    private void loop() {
      long period = (long) (1e9 / options.batchesPerSecond());
      long due = System.nanoTime();
      String topic = cluster.topics().frames().name();
      while (running.get()) {
        long b = next.get();
        for (List<FrameBatch> camera : templates) {
          FrameBatch batch =
              SyntheticFrameBatches.renumbered(camera.get((int) (b % camera.size())), b);
          String stream = batch.getStreamId();
          sentAt.put(
              new WindowKey(stream, batch.getFrames().get(0).getSequence()), System.nanoTime());
          producer.send(
              new ProducerRecord<>(topic, stream, batch),
              (meta, e) -> {
                if (e == null) {
                  acked.computeIfAbsent(stream, x -> new ConcurrentSkipListSet<>()).add(b);
                } else {
                  failedSends.incrementAndGet();
                }
              });
        }
        next.incrementAndGet();
        due += period;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          try {
            TimeUnit.NANOSECONDS.sleep(wait);
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    }

    /**
     * Stops sending; every batch handed to the producer is delivered or failed before it returns.
     */
    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join(10_000);
      producer.close(Duration.ofMinutes(2));
    }
  }

  private void readRecognitions(AtomicBoolean reading) {
    Deserializer<Recognition> decode = cluster.topics().recognitions().valueSerde().deserializer();
    try (KafkaConsumer<byte[], byte[]> c =
        rawConsumer(
            cluster.topics().recognitions().name(), cluster.topics().recognitions().partitions())) {
      while (reading.get()) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(50))) {
          long now = System.nanoTime();
          try {
            Recognition v = decode.deserialize(r.topic(), r.value());
            WindowKey k = new WindowKey(v.getStreamId(), v.getFirstSequence());
            seen.add(new Seen(k, sentAt.getOrDefault(k, Long.MIN_VALUE), now));
          } catch (RuntimeException e) {
            unreadableRecognitions.incrementAndGet();
          }
        }
      }
    }
  }

  /** Reads the ingest process's frame batches back (the campaign does not see what it sends). */
  private void readIngestFrames(AtomicBoolean reading) {
    Deserializer<FrameBatch> decode = cluster.topics().frames().valueSerde().deserializer();
    try (KafkaConsumer<byte[], byte[]> c =
        rawConsumer(cluster.topics().frames().name(), cluster.topics().frames().partitions())) {
      while (reading.get()) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
          FrameBatch b;
          try {
            b = decode.deserialize(r.topic(), r.value());
          } catch (RuntimeException bad) {
            continue; // the campaign's bad records
          }
          if (b == null || b.getStreamId().startsWith(STREAM_PREFIX)) {
            continue;
          }
          long now = System.nanoTime();
          List<Set<Long>> runs =
              ingestFrames.computeIfAbsent(b.getStreamId(), x -> new CopyOnWriteArrayList<>());
          Long last = ingestLastBatch.put(b.getStreamId(), b.getBatchSequence());
          if (runs.isEmpty() || (last != null && b.getBatchSequence() <= last)) {
            runs.add(new ConcurrentSkipListSet<>());
          }
          Set<Long> frames = runs.get(runs.size() - 1);
          for (var f : b.getFrames()) {
            frames.add(f.getSequence());
            sentAt.put(new WindowKey(b.getStreamId(), f.getSequence()), now);
          }
        }
      }
    }
  }

  private void readDeadLetters(AtomicBoolean reading) {
    Deserializer<DeadLetter> decode = cluster.topics().deadLetters().valueSerde().deserializer();
    try (KafkaConsumer<byte[], byte[]> c =
        rawConsumer(
            cluster.topics().deadLetters().name(), cluster.topics().deadLetters().partitions())) {
      while (reading.get()) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
          try {
            deadLetters.add(decode.deserialize(r.topic(), r.value()));
          } catch (RuntimeException e) {
            deadLetters.add(
                DeadLetter.newBuilder()
                    .setSourceTopic("(unreadable dead letter)")
                    .setError("")
                    .setErrorClass(e.getClass().getName())
                    .setService("?")
                    .setFailedAt(Instant.now())
                    .build());
          }
        }
      }
    }
  }

  /** A read_committed consumer of every partition of {@code topic} from the beginning, no group. */
  private KafkaConsumer<byte[], byte[]> rawConsumer(String topic, int partitions) {
    Map<String, Object> cc = quiet(cluster.consumerConfig("faults-reader"));
    cc.remove("group.id");
    KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(cc, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> parts = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      parts.add(new TopicPartition(topic, p));
    }
    c.assign(parts);
    c.seekToBeginning(parts);
    return c;
  }

  /**
   * Client properties with reconnects backing off up to 5 s: while the broker is down each client
   * logs a warning per attempt (on stderr), and the default 1 s floods it.
   */
  private static Map<String, Object> quiet(Map<String, Object> config) {
    config.put("reconnect.backoff.max.ms", 5000);
    return config;
  }

  // ---- sending ----

  /** Something to send that may fail. */
  @FunctionalInterface
  private interface Send {
    void run() throws Exception;
  }

  private void sendRaw(String topic, byte[] key, byte[] value) throws Exception {
    try (KafkaProducer<byte[], byte[]> p =
        new KafkaProducer<>(
            cluster.producerConfig("faults-raw"),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      p.send(new ProducerRecord<>(topic, key, value)).get(60, TimeUnit.SECONDS);
    }
  }

  private void sendVocabulary(String key, VocabularyEntry entry) throws Exception {
    try (KafkaProducer<String, VocabularyEntry> p =
        new KafkaProducer<>(
            cluster.producerConfig("faults-vocab"),
            new StringSerializer(),
            cluster.topics().vocabulary().valueSerde().serializer())) {
      p.send(new ProducerRecord<>(cluster.topics().vocabulary().name(), key, entry))
          .get(60, TimeUnit.SECONDS);
    }
  }

  /** An announcement signed by the campaign's trainer key (the recognizers trust it). */
  private void announce(String model, String version, String uri, String sha, long size)
      throws Exception {
    announce(model, version, uri, sha, size, Optional.of(trainerKey));
  }

  private void announce(
      String model,
      String version,
      String uri,
      String sha,
      long size,
      Optional<java.security.KeyPair> key)
      throws Exception {
    CheckpointAnnouncement a =
        CheckpointAnnouncement.newBuilder()
            .setModelName(model)
            .setVersion(version)
            .setUri(uri)
            .setSha256(sha)
            .setSizeBytes(size)
            .setPreset(settings.preset())
            .setTraining(
                new TrainingSummary("plain", 0L, 0L, Map.of(), 0.0, 1.0, 1, 1, 0.0, 0.0, 0.0))
            .setCreatedAt(Instant.now())
            .build();
    key.ifPresent(k -> a.setSignature(CheckpointSigning.sign(a, k)));
    try (KafkaProducer<String, CheckpointAnnouncement> p =
        new KafkaProducer<>(
            cluster.producerConfig("faults-ckpt"),
            new StringSerializer(),
            cluster.topics().checkpoints().valueSerde().serializer())) {
      p.send(new ProducerRecord<>(cluster.topics().checkpoints().name(), model, a))
          .get(60, TimeUnit.SECONDS);
    }
  }

  /** Confluent wire format (magic byte 0, schema id) with an id no registry has given out. */
  private static byte[] unknownSchemaId() {
    return ByteBuffer.allocate(8)
        .put((byte) 0)
        .putInt(0x7fff_fff0)
        .put(new byte[] {2, 'x', 0})
        .array();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String sha256(Path p) throws IOException {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String shorten(String s) {
    String one = s.replaceAll("\\s+", " ");
    return one.length() <= 160 ? one : one.substring(0, 157) + "...";
  }

  // ---- output ----

  private void header(String what) {
    progress("== %s", what);
  }

  private synchronized void progress(String format, Object... args) {
    out.printf(
        Locale.ROOT,
        "[%5.1f s] %s%n",
        (System.nanoTime() - started) / 1e9,
        String.format(Locale.ROOT, format, args));
    out.flush();
  }
}
