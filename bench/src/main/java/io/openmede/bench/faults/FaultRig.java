package io.openmede.bench.faults;

import io.openmede.bench.recognizer.ControlRecords;
import io.openmede.bench.recognizer.SyntheticFrameBatches;
import io.openmede.platform.signing.KeyFiles;
import io.openmede.recognizer.RecognizerSettings;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.topic.ConnectionSettings;
import io.openmede.settings.Settings;
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

  private FaultRig(FaultCampaign.Options options, Path work, Progress progress, KeptBroker broker)
      throws Exception {
    this.options = options;
    this.work = work;
    this.progress = progress;
    this.broker = broker;
    base = new LinkedHashMap<>();
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
    try {
      FaultRig rig = new FaultRig(options, work, progress, broker);
      progress.line(
          "broker up at %s, registry %s; topics %s (%d partitions), %s, %s, dead letters %s",
          broker.bootstrapServers(),
          broker.registryUrl(),
          rig.cluster.topics().frames().name(),
          rig.cluster.topics().frames().partitions(),
          rig.cluster.topics().vocabulary().name(),
          rig.cluster.topics().checkpoints().name(),
          rig.cluster.topics().deadLetters().name());
      ControlRecords.publishVocabulary(rig.cluster, Action.labels());
      return rig;
    } catch (Exception e) {
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
    if (sources != null) {
      sources.close();
    }
    if (readers != null) {
      readers.close();
    }
    if (recognizers != null) {
      recognizers.close();
    }
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
