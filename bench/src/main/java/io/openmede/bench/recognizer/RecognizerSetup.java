package io.openmede.bench.recognizer;

import io.openmede.recognizer.RecognizerSettings;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.topic.ConnectionSettings;
import io.openmede.settings.Settings;
import io.openmede.world.Action;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The setup phase: the topology's settings (the benchmark's own topics, application id and
 * directories; the options' window and batch size; the overrides for the rest), the topics, the
 * cameras' clips and the vocabulary (one entry per action of the world), and what the run measures,
 * printed.
 *
 * @param prefix the run's topics, application id and client ids start with it
 */
record RecognizerSetup(
    String prefix,
    Cluster cluster,
    RecognizerSettings settings,
    List<String> labels,
    List<List<FrameBatch>> clips) {

  /** Sets everything up on the cluster of {@code bootstrap} and {@code registryUrl}. */
  static RecognizerSetup prepare(
      RecognizerBenchmark.Options options,
      String bootstrap,
      String registryUrl,
      Path workDir,
      PrintStream out)
      throws Exception {
    String prefix = "bench-" + Long.toString(System.currentTimeMillis(), 36);
    Settings settings =
        Settings.of(
            RecognizerSettings.SERVICE_GROUPS,
            settingValues(options, prefix, bootstrap, registryUrl, workDir));
    RecognizerSettings rs = RecognizerSettings.from(settings);
    Cluster cluster = Cluster.from(settings);
    cluster.ensureTopics();
    List<List<FrameBatch>> clips =
        SyntheticFrameBatches.generate(
            "bench-cam-", options.streams(), options.windowsPerStream(), options.frames());
    describe(options, clips, out);
    List<String> labels = Action.labels();
    ControlRecords.publishVocabulary(cluster, labels);
    return new RecognizerSetup(prefix, cluster, rs, labels, clips);
  }

  private static Map<String, String> settingValues(
      RecognizerBenchmark.Options options,
      String prefix,
      String bootstrap,
      String registryUrl,
      Path workDir) {
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
    return values;
  }

  private static void describe(
      RecognizerBenchmark.Options options, List<List<FrameBatch>> clips, PrintStream out) {
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
        jpegBytes / 1024.0 / (options.streams() * options.windowsPerStream()),
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
  }
}
