package io.openmede.ingest.source;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Loader;

/** The sample clips copied from ../shared/videos, and the ffmpeg program bundled in the jar. */
public final class TestVideos {
  /** H.264 340x256, 28 fps, 280 frames. */
  public static final String DEMO_MP4 = "demo.mp4";

  /** H.264 340x256, 30 fps, 300 frames. */
  public static final String TEST_MP4 = "test.mp4";

  /** MPEG-4 Part 2 320x240, 25 fps, 164 frames, mp3 audio. */
  public static final String TEST_AVI = "test.avi";

  private TestVideos() {}

  public static Path path(String name) {
    try {
      return Path.of(TestVideos.class.getResource("/videos/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every frame of a file, decoded sequentially. */
  public static List<DecodedFrame> decodeAll(Path file) throws SourceException {
    List<DecodedFrame> frames = new ArrayList<>();
    try (VideoFileSource source = new VideoFileSource(file)) {
      Optional<DecodedFrame> f;
      while ((f = source.next()).isPresent()) {
        frames.add(f.get());
      }
    }
    return frames;
  }

  /** The path of the ffmpeg program unpacked from the bytedeco ffmpeg jar. */
  public static String ffmpegProgram() {
    return Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
  }

  /** Runs the bundled ffmpeg to completion and fails on a non-zero exit. */
  public static void ffmpeg(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ffmpegProgram());
    command.add("-hide_banner");
    command.add("-loglevel");
    command.add("error");
    command.add("-y");
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("ffmpeg " + String.join(" ", args) + " failed: " + out);
    }
  }
}
