package io.openmede.ingest.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * RTSP over loopback without a server: the source listens ({@code rtsp_flags=listen}), the ffmpeg
 * program bundled in the jar publishes a clip at real-time pace, is killed, and publishes again.
 */
class UrlSourceRtspLoopbackTest {

  @Test
  @Timeout(60)
  void publisherRestart_sourceReconnects_andSequencesContinue() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String url = "rtsp://127.0.0.1:" + port + "/live";
    List<DecodedFrame> frames = new ArrayList<>();
    Path clip = TestVideos.path(TestVideos.TEST_MP4);
    try (UrlSource source =
        new UrlSource(
            url,
            SourceOptions.defaults(),
            new Reconnect(Duration.ofMillis(50), Duration.ofMillis(200), OptionalInt.of(50)),
            Duration.ofSeconds(2),
            true,
            Map.of())) {
      Process first = publish(clip, url);
      try {
        readFrames(source, frames, 20);
      } finally {
        first.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // a crashed publisher
      }
      Process second = publish(clip, url);
      try {
        readFrames(source, frames, 40);
      } finally {
        second.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      assertThat(source.connections()).isEqualTo(2);
    }
    for (int i = 0; i < frames.size(); i++) {
      assertThat(frames.get(i).sequence()).isEqualTo(i);
    }
    assertThat(frames.get(39).position().frameIndex()).isLessThan(39);
  }

  /** Starts {@link RtspPublisher} in a separate JVM with this JVM's class path. */
  private static Process publish(Path clip, String url) throws IOException {
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            "-Dorg.bytedeco.javacpp.cachedir="
                + System.getProperty("org.bytedeco.javacpp.cachedir", ""),
            RtspPublisher.class.getName(),
            clip.toString(),
            url)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  private static void readFrames(UrlSource source, List<DecodedFrame> frames, int total)
      throws SourceException {
    while (frames.size() < total) {
      frames.add(source.next().orElseThrow());
    }
  }
}
