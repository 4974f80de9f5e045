package io.openmede.ingest.command;

import io.openmede.ingest.source.CameraSource;
import io.openmede.ingest.source.ImageDirectorySource;
import io.openmede.ingest.source.Reconnect;
import io.openmede.ingest.source.UrlSource;
import io.openmede.ingest.source.VideoDirectorySource;
import io.openmede.ingest.source.VideoFileSource;
import io.openmede.settings.DurationConverter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code openmede ingest file|dir|url|camera|images|list}: frames into the frames topic, dataset
 * lists into the labeled-clips topic.
 */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = "Send video frames or labeled clips to Kafka.",
    subcommands = {
      IngestCommand.FileCommand.class,
      IngestCommand.DirCommand.class,
      IngestCommand.UrlCommand.class,
      IngestCommand.CameraCommand.class,
      IngestCommand.ImagesCommand.class,
      ListCommand.class,
      SyntheticCommand.class
    })
public final class IngestCommand implements Callable<Integer> {

  public IngestCommand() {}

  @Override
  public Integer call() {
    System.err.println(
        "name a subcommand: file, dir, url, camera, images, list or synthetic (see --help)");
    return 2;
  }

  static String streamIdOf(String text) {
    String id = text.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^-+|-+$", "");
    return id.isEmpty() ? "stream" : id;
  }

  /** {@code ingest file VIDEO}. */
  @Command(
      name = "file",
      mixinStandardHelpOptions = true,
      description = "Send the frames of one video file (any format FFmpeg decodes).")
  public static final class FileCommand implements Callable<Integer> {
    @Parameters(paramLabel = "VIDEO", description = "The video file.")
    Path video;

    @Mixin StreamOptions stream;
    @Mixin KafkaOptions kafka;

    @Override
    public Integer call() throws Exception {
      return StreamRun.run(
          new VideoFileSource(video, stream.sourceOptions()),
          streamIdOf(video.getFileName().toString()),
          stream,
          kafka);
    }
  }

  /** {@code ingest dir DIRECTORY}. */
  @Command(
      name = "dir",
      mixinStandardHelpOptions = true,
      description =
          "Send the video files of a directory tree, in path order, as one stream; files that"
              + " fail are listed and skipped.")
  public static final class DirCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIRECTORY", description = "The directory.")
    Path dir;

    @Mixin StreamOptions stream;
    @Mixin KafkaOptions kafka;

    @Override
    public Integer call() throws Exception {
      VideoDirectorySource source = new VideoDirectorySource(dir, stream.sourceOptions());
      int rc = StreamRun.run(source, streamIdOf(dir.getFileName().toString()), stream, kafka);
      source.failures().forEach(f -> System.err.println("FAILED " + f));
      return rc;
    }
  }

  /** {@code ingest url URL}. */
  @Command(
      name = "url",
      mixinStandardHelpOptions = true,
      description =
          "Send a network stream (rtsp, http(s), hls, srt, rtmp, udp); reconnects with capped"
              + " exponential backoff.")
  public static final class UrlCommand implements Callable<Integer> {
    @Parameters(paramLabel = "URL", description = "The stream URL.")
    String url;

    @Option(
        names = "--listen",
        description = "Wait for a publisher to connect (RTSP: rtsp_flags=listen).")
    boolean listen;

    @Option(
        names = "--timeout",
        defaultValue = "10s",
        converter = DurationConverter.class,
        description = "I/O timeout: 10s, 2m, or ISO-8601 PT10S (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(
        names = "--reconnect-max",
        defaultValue = "30s",
        converter = DurationConverter.class,
        description = "Longest wait between reconnection attempts (default: ${DEFAULT-VALUE}).")
    Duration reconnectMax;

    @Option(
        names = "--reconnect-attempts",
        paramLabel = "N",
        description = "Give up after N consecutive failed attempts (default: never; 0: no retry).")
    Integer attempts;

    @Option(
        names = "--ffmpeg-option",
        paramLabel = "KEY=VALUE",
        description = "Extra FFmpeg option, e.g. rtsp_transport=tcp (repeatable).")
    Map<String, String> ffmpegOptions = new LinkedHashMap<>();

    @Mixin StreamOptions stream;
    @Mixin KafkaOptions kafka;

    @Override
    public Integer call() throws Exception {
      Reconnect reconnect =
          new Reconnect(
              Duration.ofMillis(Math.min(500, reconnectMax.toMillis())),
              reconnectMax,
              attempts == null ? OptionalInt.empty() : OptionalInt.of(attempts));
      return StreamRun.run(
          new UrlSource(url, stream.sourceOptions(), reconnect, timeout, listen, ffmpegOptions),
          streamIdOf(url.replaceFirst("^[a-z]+://", "")),
          stream,
          kafka);
    }
  }

  /** {@code ingest camera [--device /dev/video0]}. */
  @Command(
      name = "camera",
      mixinStandardHelpOptions = true,
      description = "Send a V4L2 camera's frames (Linux).")
  public static final class CameraCommand implements Callable<Integer> {
    @Option(
        names = "--device",
        defaultValue = "/dev/video0",
        description = "The V4L2 device (default: ${DEFAULT-VALUE}).")
    Path device;

    @Option(
        names = "--capture-size",
        paramLabel = "WxH",
        description = "Size to ask of the camera, e.g. 640x480.")
    String captureSize;

    @Option(names = "--capture-fps", description = "Frame rate to ask of the camera.")
    Double captureFps;

    @Mixin StreamOptions stream;
    @Mixin KafkaOptions kafka;

    @Override
    public Integer call() throws Exception {
      return StreamRun.run(
          new CameraSource(
              device,
              stream.sourceOptions(),
              Reconnect.defaults(),
              Optional.ofNullable(captureSize),
              Optional.ofNullable(captureFps)),
          streamIdOf(device.getFileName().toString()),
          stream,
          kafka);
    }
  }

  /** {@code ingest images DIRECTORY}. */
  @Command(
      name = "images",
      mixinStandardHelpOptions = true,
      description = "Send the images of a directory tree (jpg, png, bmp, gif) as frames.")
  public static final class ImagesCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIRECTORY", description = "The directory.")
    Path dir;

    @Option(
        names = "--image-fps",
        defaultValue = "10",
        description = "Frame rate the images are spaced at (default: ${DEFAULT-VALUE}).")
    double imageFps;

    @Mixin StreamOptions stream;
    @Mixin KafkaOptions kafka;

    @Override
    public Integer call() throws Exception {
      ImageDirectorySource source = new ImageDirectorySource(dir, imageFps, stream.sourceOptions());
      int rc = StreamRun.run(source, streamIdOf(dir.getFileName().toString()), stream, kafka);
      source.failures().forEach(f -> System.err.println("FAILED " + f));
      return rc;
    }
  }
}
