package io.openmede.ingest.command;

import io.openmede.ingest.produce.FramePipeline;
import io.openmede.ingest.produce.FrameStreams;
import io.openmede.ingest.produce.IngestMetrics;
import io.openmede.ingest.produce.ProgressLine;
import io.openmede.ingest.produce.SyntheticClipFeed;
import io.openmede.ingest.source.SourceOptions;
import io.openmede.ingest.source.SyntheticSource;
import io.openmede.schemas.topic.Cluster;
import io.openmede.world.CameraSettings;
import io.openmede.world.SyntheticCamera;
import io.openmede.world.SyntheticWorld;
import io.openmede.world.WorldSettings;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ingest synthetic}: synthetic cameras into the frames topic, or ({@code --labeled}) labeled
 * clips of the synthetic world into the labeled-clips topic.
 */
@Command(
    name = "synthetic",
    mixinStandardHelpOptions = true,
    description = {
      "Send the synthetic action world: N live synthetic cameras (frames topic), or with"
          + " --labeled its training clips (labeled-clips topic) with held-out base/novel clips"
          + " for evaluation.",
      "Runs until Ctrl-C unless --clips or --frames bounds it."
    })
final class SyntheticCommand implements Callable<Integer> {
  @Option(
      names = "--cameras",
      defaultValue = "2",
      paramLabel = "N",
      description =
          "Synthetic cameras, streams synthetic-0 .. synthetic-(N-1) (default: ${DEFAULT-VALUE}).")
  int cameras;

  @Option(
      names = "--camera-fps",
      defaultValue = "10",
      paramLabel = "RATE",
      description = "Frames per second of each camera (default: ${DEFAULT-VALUE}).")
  double cameraFps;

  @Option(
      names = "--frames",
      paramLabel = "N",
      description = "Frames per camera before stopping (default: endless).")
  Long frames;

  @Option(
      names = "--fast",
      description = "Render cameras as fast as possible instead of at --camera-fps (load tests).")
  boolean fast;

  @Option(names = "--labeled", description = "Send labeled training clips instead of cameras.")
  boolean labeled;

  @Option(
      names = "--clips",
      paramLabel = "N",
      description = "Labeled clips before stopping (default: endless).")
  Long clips;

  @Option(
      names = "--clip-rate",
      defaultValue = "0",
      paramLabel = "CLIPS_PER_S",
      description =
          "Pace of labeled clips; 0 sends as fast as Kafka takes them (default: ${DEFAULT-VALUE}).")
  double clipRate;

  @Option(
      names = "--eval-every",
      defaultValue = "10",
      paramLabel = "N",
      description =
          "Every N-th labeled clip is a held-out base or novel clip; 0 for none (default: ${DEFAULT-VALUE}).")
  int evalEvery;

  @Option(
      names = "--seed",
      defaultValue = "0",
      description =
          "World seed: the same seed sends the same frames and clips (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--frame-size",
      defaultValue = "32",
      paramLabel = "PIXELS",
      description = "Square frame size of the world (default: ${DEFAULT-VALUE}).")
  int frameSize;

  @Option(
      names = "--frames-per-clip",
      defaultValue = "8",
      paramLabel = "T",
      description = "Frames per labeled clip (default: ${DEFAULT-VALUE}).")
  int framesPerClip;

  @Mixin KafkaOptions kafka;

  public SyntheticCommand() {}

  @Override
  public Integer call() throws Exception {
    if (cameras < 1) {
      throw new IllegalArgumentException("--cameras " + cameras + " must be at least 1");
    }
    SyntheticWorld world =
        new SyntheticWorld(
            WorldSettings.defaults()
                .withSeed(seed)
                .withFrameSize(frameSize)
                .withFramesPerClip(framesPerClip));
    Cluster cluster = kafka.cluster();
    IngestMetrics metrics = new IngestMetrics();
    kafka.serveMetrics(metrics); // daemon threads: the endpoint ends with the command
    CountDownLatch stop = new CountDownLatch(1);
    if (labeled) {
      SyntheticClipFeed feed =
          SyntheticClipFeed.start(
              cluster,
              world,
              new SyntheticClipFeed.Options(
                  seed,
                  clipRate,
                  clips == null ? OptionalLong.empty() : OptionalLong.of(clips),
                  evalEvery),
              metrics);
      Thread hook = new Thread(feed::close, "ingest-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      try (ProgressLine progress = new ProgressLine(metrics, System.err, "synthetic clips")) {
        feed.await();
      }
      feed.close();
      removeHook(hook);
      return metrics.snapshot().errors() == 0 ? 0 : 1;
    }
    FrameStreams streams = new FrameStreams(cluster, metrics);
    for (int i = 0; i < cameras; i++) {
      String id = "synthetic-" + i;
      SyntheticCamera camera =
          new SyntheticCamera(
              world, CameraSettings.of(id, seed * 31 + i).withFramesPerSecond(cameraFps));
      streams.add(
          new SyntheticSource(
              camera,
              frames == null ? OptionalLong.empty() : OptionalLong.of(frames),
              !fast,
              SourceOptions.defaults()),
          FramePipeline.Options.defaults(id).withMaxMessageBytes(kafka.maxMessageBytes));
    }
    Thread hook =
        new Thread(
            () -> {
              streams.close();
              stop.countDown();
            },
            "ingest-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try (ProgressLine progress = new ProgressLine(metrics, System.err, "synthetic cameras")) {
      if (frames != null) {
        // bounded run: wait until every camera has sent its frames
        long expected = frames * cameras;
        while (metrics.snapshot().framesSent() + metrics.snapshot().framesDropped() < expected
            && metrics.snapshot().errors() == 0) {
          Thread.sleep(100);
        }
        streams.close();
        removeHook(hook);
      } else {
        stop.await();
      }
    }
    return metrics.snapshot().errors() == 0 ? 0 : 1;
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs
    }
  }
}
