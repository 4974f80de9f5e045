package io.openmede.ingest.command;

import io.openmede.ingest.frame.FrameSize;
import io.openmede.ingest.produce.FramePipeline;
import io.openmede.ingest.source.SourceOptions;
import io.openmede.schemas.avro.FrameEncoding;
import java.util.Optional;
import picocli.CommandLine.Option;

/** How frames of a stream are sampled, sized, encoded and batched. */
final class StreamOptions {
  @Option(
      names = "--stream-id",
      paramLabel = "ID",
      description = "Stream id (record key); default: derived from the source.")
  String streamId;

  @Option(
      names = "--fps",
      paramLabel = "RATE",
      description = "Keep this many frames per second (by capture time); default: all.")
  Double fps;

  @Option(
      names = "--size",
      paramLabel = "WxH|SHORT",
      description = "Frame size: 224x224 (fixed) or 256 (short side); default: as decoded.")
  String size;

  @Option(
      names = "--encoding",
      defaultValue = "JPEG",
      description = "JPEG or RGB (default: ${DEFAULT-VALUE}).")
  FrameEncoding encoding;

  @Option(
      names = "--jpeg-quality",
      defaultValue = "85",
      paramLabel = "1-100",
      description = "JPEG quality (default: ${DEFAULT-VALUE}).")
  int jpegQuality;

  @Option(
      names = "--frames-per-batch",
      defaultValue = "8",
      paramLabel = "N",
      description = "Frames per FrameBatch at most (default: ${DEFAULT-VALUE}).")
  int framesPerBatch;

  @Option(
      names = "--queue",
      defaultValue = "64",
      paramLabel = "FRAMES",
      description =
          "Frames buffered between reading and sending; live sources drop frames when it is"
              + " full (default: ${DEFAULT-VALUE}).")
  int queue;

  @Option(
      names = "--realtime",
      description = "Play files at their own pace instead of as fast as possible.")
  boolean realtime;

  @Option(names = "--loop", description = "Start files again at the end (until stopped).")
  boolean loop;

  Optional<FrameSize> frameSize() {
    return Optional.ofNullable(size).map(FrameSize::parse);
  }

  SourceOptions sourceOptions() {
    return SourceOptions.defaults().withSize(frameSize()).withLoop(loop);
  }

  FramePipeline.Options pipelineOptions(String defaultStreamId, int maxMessageBytes) {
    return new FramePipeline.Options(
        streamId != null ? streamId : defaultStreamId,
        Optional.ofNullable(fps),
        frameSize(),
        encoding,
        jpegQuality,
        framesPerBatch,
        maxMessageBytes,
        queue,
        realtime);
  }
}
