package io.openmede.bench.faults;

import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.topic.Cluster;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The load: the campaign's synthetic cameras ({@link CameraFeed}) and, when the launcher is on the
 * class path, {@code openmede ingest synthetic} as one more camera ({@link IngestProcess}). The
 * restart cases replace them. Used from the campaign's thread.
 */
final class FrameSources implements AutoCloseable {

  /** Stream ids of the synthetic cameras: {@code faults-cam-0 ..}. */
  static final String STREAM_PREFIX = "faults-cam-";

  private final FaultCampaign.Options options;
  private final Path work;
  private final Cluster cluster;
  private final List<List<FrameBatch>> templates;
  private final Ledger ledger;
  private final MetricsScrape metrics;
  private final Progress progress;
  private CameraFeed feed;
  private IngestProcess ingest;

  FrameSources(
      FaultCampaign.Options options,
      Path work,
      Cluster cluster,
      List<List<FrameBatch>> templates,
      Ledger ledger,
      MetricsScrape metrics,
      Progress progress) {
    this.options = options;
    this.work = work;
    this.cluster = cluster;
    this.templates = templates;
    this.ledger = ledger;
    this.metrics = metrics;
    this.progress = progress;
  }

  /** Starts the cameras, then the ingest process if it can run; their streams are expected. */
  void start(int windowFrames) throws Exception {
    feed = newFeed("1", 0);
    for (int k = 0; k < options.streams(); k++) {
      ledger.expect(STREAM_PREFIX + k);
    }
    progress.line(
        "%d synthetic cameras of the campaign, %.1f frame batches of %d frames (one window) per"
            + " second each",
        options.streams(), options.batchesPerSecond(), windowFrames);
    if (IngestProcess.launcherPresent()) {
      ingest = startIngest(1);
      ledger.expect(IngestProcess.STREAM);
    } else {
      progress.line(
          "no ingest process: %s is not on the class path (run the campaign with 'openmede"
              + " bench faults')",
          IngestProcess.LAUNCHER);
    }
  }

  /** Cameras sending from batch {@code firstBatch} on, with producer {@code generation}. */
  CameraFeed newFeed(String generation, long firstBatch) {
    return new CameraFeed(
        generation, firstBatch, cluster, templates, options.batchesPerSecond(), ledger);
  }

  /** Run {@code generation} of the ingest process. */
  IngestProcess startIngest(int generation) throws Exception {
    return IngestProcess.start(work, generation, cluster, metrics, progress);
  }

  CameraFeed feed() {
    return feed;
  }

  void replaceFeed(CameraFeed again) {
    feed = again;
  }

  Optional<IngestProcess> ingest() {
    return Optional.ofNullable(ingest);
  }

  void replaceIngest(IngestProcess again) {
    ingest = again;
  }

  /** Stops sending: the cameras (every batch delivered or failed) and the ingest process. */
  @Override
  public void close() throws InterruptedException {
    if (feed != null) {
      feed.close();
      feed = null;
    }
    if (ingest != null) {
      ingest.close();
      ingest = null;
    }
  }
}
