package io.openmede.ingest.command;

import io.openmede.ingest.clip.ClipExtractor;
import io.openmede.ingest.clip.ClipReport;
import io.openmede.ingest.clip.ClipSampling;
import io.openmede.ingest.clip.DatasetIngest;
import io.openmede.ingest.clip.DatasetList;
import io.openmede.ingest.frame.FrameSize;
import io.openmede.ingest.produce.ClipProducer;
import io.openmede.ingest.produce.IngestMetrics;
import io.openmede.ingest.produce.ProgressLine;
import io.openmede.schemas.avro.LabeledClip;
import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.values.LabelMap;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ingest list LIST}: a dataset list into labeled clips. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description =
        "Send the clips of a dataset list (CSV path,label or text 'path label') to the"
            + " labeled-clips topic; missing or undecodable videos are reported, not fatal.")
final class ListCommand implements Callable<Integer> {
  @Parameters(paramLabel = "LIST", description = "The dataset list.")
  Path list;

  @Option(
      names = "--root",
      paramLabel = "DIR",
      description = "Directory the list's paths are relative to (default: the list's directory).")
  Path root;

  @Option(
      names = "--labels",
      paramLabel = "FILE",
      description = "Class index to name: JSON, id,name CSV, or one name a line.")
  Path labels;

  @Option(
      names = "--sampling",
      defaultValue = "strided:8x16",
      description = "strided:FRAMESxSTRIDE or segments:FRAMES (default: ${DEFAULT-VALUE}).")
  String sampling;

  @Option(
      names = "--clips-per-video",
      defaultValue = "1",
      description = "Clips per video (default: ${DEFAULT-VALUE}).")
  int clipsPerVideo;

  @Option(
      names = "--size",
      defaultValue = "224x224",
      paramLabel = "WxH|SHORT",
      description = "Frame size (default: ${DEFAULT-VALUE}).")
  String size;

  @Option(
      names = "--jpeg-quality",
      defaultValue = "85",
      description = "JPEG quality 1-100 (default: ${DEFAULT-VALUE}).")
  int jpegQuality;

  @Option(
      names = "--split",
      defaultValue = "train",
      description =
          "Split tag of the clips: train, eval, base, novel, ... (default: ${DEFAULT-VALUE}).")
  String split;

  @Mixin KafkaOptions kafka;

  public ListCommand() {}

  @Override
  public Integer call() throws Exception {
    Path base = root != null ? root : list.toAbsolutePath().getParent();
    Optional<LabelMap> map = labels == null ? Optional.empty() : Optional.of(LabelMap.load(labels));
    DatasetList parsed = DatasetList.read(list, base, map);
    Cluster cluster = kafka.cluster();
    IngestMetrics metrics = new IngestMetrics();
    kafka.serveMetrics(metrics); // daemon threads: the endpoint ends with the command
    AtomicBoolean stop = new AtomicBoolean();
    Thread hook = new Thread(() -> stop.set(true), "ingest-list-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    ClipReport report;
    KafkaProducer<String, LabeledClip> producer =
        new KafkaProducer<>(
            kafka.producerConfig(cluster, "openmede-ingest-list"),
            new StringSerializer(),
            cluster.topics().labeledClips().valueSerde().serializer());
    try (ClipProducer clips =
            new ClipProducer(producer, cluster.topics().labeledClips().name(), metrics);
        ClipExtractor extractor =
            new ClipExtractor(
                ClipSampling.parse(sampling),
                clipsPerVideo,
                Optional.of(FrameSize.parse(size)),
                jpegQuality,
                split,
                kafka.maxMessageBytes);
        ProgressLine progress = new ProgressLine(metrics, System.err, "ingest list")) {
      report =
          DatasetIngest.run(
              parsed,
              extractor,
              clips::send,
              stop::get,
              r -> {
                while (metrics.snapshot().errors() < r.failures().size()) {
                  metrics.error();
                }
              });
      clips.flush();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // already stopping
      }
    }
    System.err.println(report.summary());
    return report.videosOk() > 0 || parsed.entries().isEmpty() ? 0 : 1;
  }
}
