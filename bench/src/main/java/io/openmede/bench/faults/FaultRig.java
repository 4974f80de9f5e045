package io.openmede.bench.faults;

import io.openmede.bench.recognizer.ControlRecords;
import io.openmede.bench.recognizer.SyntheticFrameBatches;
import io.openmede.events.EventsSettings;
import io.openmede.events.clips.ClipSettings;
import io.openmede.ingest.feedback.LabelerSettings;
import io.openmede.platform.health.Health;
import io.openmede.platform.signing.KeyFiles;
import io.openmede.recognizer.RecognizerSettings;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.topic.ConnectionSettings;
import io.openmede.settings.Settings;
import io.openmede.trainer.TrainerSettings;
import io.openmede.web.LiveFeed;
import io.openmede.web.LivePage;
import io.openmede.web.LiveState;
import io.openmede.web.WebSettings;
import io.openmede.world.Action;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The setup and what the cases act on: a broker of its own ({@link KeptBroker}), the recognizers'
 * settings (one application id, signing on, one libtorch thread each, no pinning: two recognizers
 * and the broker share the machine), the topics, the cameras' clips and the vocabulary; then the
 * recognizers, the topic readers and the frame sources. Closed in the reverse order. Its final
 * fields are set once, at the setup; used from the campaign's thread.
 */
final class FaultRig implements AutoCloseable {

  /** The campaign's recognizers: one application id, so that they share the partitions. */
  static final String APPLICATION_ID = "openmede-faults";

  final FaultCampaign.Options options;
  final Path work;
  final Progress progress;
  final KeptBroker broker;
  private final KeptRegistry registry;
  final Cluster cluster;
  final RecognizerSettings settings;
  final RecordSender sender;
  final Ledger ledger = new Ledger();
  final MetricsScrape metrics = new MetricsScrape();
  private final Map<String, String> base;
  private final List<List<FrameBatch>> templates;
  private RecognizerInstances recognizers;
  private TopicReaders readers;
  private FrameSources sources;
  private Recovery recovery;
  private final List<Path> scratch = new ArrayList<>();
  private final ServiceInstances services = new ServiceInstances();
  private final HeapSampler heap = new HeapSampler(HEAP_INTERVAL);
  private LivePage page;
  private LiveFeed pageFeed;

  /** How often the services' heap is sampled. */
  static final java.time.Duration HEAP_INTERVAL = java.time.Duration.ofSeconds(10);

  private FaultRig(
      FaultCampaign.Options options,
      Path work,
      Progress progress,
      KeptBroker broker,
      KeptRegistry registry)
      throws Exception {
    this.options = options;
    this.work = work;
    this.progress = progress;
    this.broker = broker;
    this.registry = registry;
    base = new LinkedHashMap<>();
    base.put(ConnectionSettings.BOOTSTRAP_SERVERS.name(), broker.bootstrapServers());
    base.put(ConnectionSettings.REGISTRY_URL.name(), registry.url());
    base.put(RecognizerSettings.APPLICATION_ID.name(), APPLICATION_ID);
    Path roots = Files.createDirectories(work.resolve("checkpoints"));
    base.put(RecognizerSettings.CHECKPOINT_ROOTS.name(), roots.toString());
    // signing on, as in the demo: announcements must be signed by the campaign's trainer key
    Path keys = work.resolve("keys");
    if (!Files.exists(keys.resolve("trainer.key"))) {
      KeyFiles.write(KeyFiles.generate(), keys.resolve("trainer.key"), keys.resolve("trainer.pub"));
    }
    KeyPair trainerKey = KeyFiles.readPair(keys.resolve("trainer.key"));
    base.put(RecognizerSettings.TRUSTED_KEYS.name(), keys.resolve("trainer.pub").toString());
    base.put(RecognizerSettings.MODEL_THREADS.name(), "1");
    base.put(RecognizerSettings.THREADS_OWN_CPU.name(), "false");
    Settings s = Settings.of(RecognizerSettings.SERVICE_GROUPS, base);
    settings = RecognizerSettings.from(s);
    cluster = Cluster.from(s);
    cluster.ensureTopics();
    sender = new RecordSender(cluster, settings.model().preset(), trainerKey);
    templates =
        SyntheticFrameBatches.generate(
            FrameSources.STREAM_PREFIX,
            options.streams(),
            16,
            settings.topology().window().frames());
  }

  /** Starts the broker, makes the topics and publishes the vocabulary. */
  static FaultRig setUp(FaultCampaign.Options options, Path work, Progress progress)
      throws Exception {
    KeptBroker broker = KeptBroker.start(work, progress);
    KeptRegistry registry = null;
    try {
      registry = KeptRegistry.start(broker.bootstrapServers());
      FaultRig rig = new FaultRig(options, work, progress, broker, registry);
      progress.line(
          "broker up at %s, the campaign's registry %s; topics %s (%d partitions), %s, %s, dead"
              + " letters %s",
          broker.bootstrapServers(),
          registry.url(),
          rig.cluster.topics().frames().name(),
          rig.cluster.topics().frames().partitions(),
          rig.cluster.topics().vocabulary().name(),
          rig.cluster.topics().checkpoints().name(),
          rig.cluster.topics().deadLetters().name());
      ControlRecords.publishVocabulary(rig.cluster, Action.labels());
      for (var rule : EventsFaults.rules()) {
        rig.sender.record(rig.cluster.topics().rules(), rule.getName(), rule);
      }
      return rig;
    } catch (Exception e) {
      if (registry != null) {
        registry.close();
      }
      broker.close();
      throw e;
    }
  }

  /** Starts {@code n} recognizers of the application, then reads their topics. */
  void startRecognizers(int n) throws Exception {
    progress.line("starting %d recognizer processes, application id %s", n, APPLICATION_ID);
    recognizers = RecognizerInstances.start(base, work, n, metrics, progress);
    recovery = new Recovery(ledger, recognizers, options.bound(), progress);
    readers = TopicReaders.start(cluster, ledger, FrameSources.STREAM_PREFIX);
    for (var i : recognizers.live()) {
      heap.watch(i.process().name(), i.process().pid());
    }
  }

  /**
   * Starts the other services through their commands (the events service, the labeler, the
   * trainer), each in a JVM of its own, and the live page in this JVM, then waits until each is
   * ready; then the heap sampling.
   */
  void startServices() throws Exception {
    Map<String, String> connection = new LinkedHashMap<>();
    connection.put(ConnectionSettings.BOOTSTRAP_SERVERS.name(), broker.bootstrapServers());
    connection.put(ConnectionSettings.REGISTRY_URL.name(), registry.url());
    Map<String, String> events = new LinkedHashMap<>(connection);
    events.put(EventsSettings.APPLICATION_ID.name(), "openmede-faults-events");
    events.put(EventsSettings.STATE_DIR.name(), work.resolve("events/state").toString());
    events.put(ClipSettings.ENABLED.name(), "false");
    services.add(EventsFaults.SERVICE, "events", events, EventsSettings.METRICS_PORT.name(), work);
    services.add(
        ClipFaults.LABELER, "labeler", connection, LabelerSettings.METRICS_PORT.name(), work);
    Map<String, String> trainer = new LinkedHashMap<>(connection);
    trainer.put(TrainerSettings.STATE_DIR.name(), work.resolve("trainer/state").toString());
    trainer.put(
        TrainerSettings.CHECKPOINT_DIR.name(), work.resolve("checkpoints/trainer").toString());
    trainer.put(TrainerSettings.SIGNING_KEY.name(), work.resolve("keys/trainer.key").toString());
    services.add(ClipFaults.TRAINER, "train", trainer, TrainerSettings.METRICS_PORT.name(), work);
    long t0 = System.nanoTime();
    for (ServiceInstances.Service s : services.all()) {
      s.start();
    }
    for (ServiceInstances.Service s : services.all()) {
      if (!s.awaitReady(java.time.Duration.ofSeconds(180))) {
        throw new IllegalStateException(
            s.name
                + " was not ready within 180 s"
                + (s.alive() ? "" : " (it died)")
                + "; see "
                + s.log);
      }
      heap.watch(s.name, s.pid());
      progress.line(
          "%s ready (pid %d) %.1f s after the start, health and metrics on :%d, log %s",
          s.name, s.pid(), (System.nanoTime() - t0) / 1e9, s.port, s.log);
    }
    LiveState state = new LiveState();
    pageFeed = new LiveFeed(cluster.clientConfig(), cluster.topics(), state);
    page =
        new LivePage(
            state,
            LivePage.Writers.none(),
            List.of(),
            WebSettings.from(Settings.of(List.of(WebSettings.GROUP), Map.of())),
            new Health("live-page"));
    page.start(0);
    pageFeed.start();
    progress.line("live page (in this JVM) at %s", page.url().replaceAll("token=.*", "token=..."));
    heap.start();
  }

  /** The ports of every service and of the page, by what serves them. */
  Map<String, Integer> ports() {
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (var i : recognizers.live()) {
      ports.put(i.process().name(), i.metricsPort());
    }
    for (ServiceInstances.Service s : services.all()) {
      ports.put(s.name, s.port);
    }
    if (page != null) {
      ports.put("live page", pagePort());
    }
    return ports;
  }

  private int pagePort() {
    String u = page.url();
    String hostPort = u.substring(u.indexOf("//") + 2, u.indexOf('/', u.indexOf("//") + 2));
    return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
  }

  ServiceInstances services() {
    return services;
  }

  KeptRegistry registry() {
    return registry;
  }

  HeapSampler heap() {
    return heap;
  }

  private long faultsEnded;
  private double slowestHealthMs;

  /** The moment the last fault was over: what comes after is "after the faults". */
  void faultsEnded(long nanos) {
    faultsEnded = nanos;
  }

  long faultsEnded() {
    return faultsEnded;
  }

  /** A /health/live answer under slow clients, in ms: the slowest is kept. */
  synchronized void healthAnswered(double ms) {
    slowestHealthMs = Math.max(slowestHealthMs, ms);
  }

  synchronized double slowestHealthMs() {
    return slowestHealthMs;
  }

  /** Every recognizer and every other service still runs. */
  boolean allServicesAlive() {
    return recognizers.allAlive() && services.allAlive();
  }

  /** Starts the cameras and the ingest process. */
  void startSources() throws Exception {
    sources = new FrameSources(options, work, cluster, templates, ledger, metrics, progress);
    sources.start(settings.topology().window().frames());
  }

  /** A new temporary directory outside the work directory, deleted with its files at the end. */
  Path scratchDirectory(String prefix) throws IOException {
    Path dir = Files.createTempDirectory(prefix);
    scratch.add(dir);
    return dir;
  }

  RecognizerInstances recognizers() {
    return recognizers;
  }

  FrameSources sources() {
    return sources;
  }

  Recovery recovery() {
    return recovery;
  }

  @Override
  public void close() throws Exception {
    heap.close();
    if (sources != null) {
      sources.close();
    }
    if (page != null) {
      page.close();
      pageFeed.close();
    }
    services.close();
    if (readers != null) {
      readers.close();
    }
    if (recognizers != null) {
      recognizers.close();
    }
    registry.close();
    broker.close();
    for (Path dir : scratch) {
      try (var files = Files.list(dir)) {
        for (Path p : files.toList()) {
          Files.delete(p);
        }
      }
      Files.delete(dir);
    }
  }
}
