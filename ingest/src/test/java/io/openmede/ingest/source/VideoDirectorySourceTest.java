package io.openmede.ingest.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoDirectorySourceTest extends FrameSourceContract {
  @TempDir static Path dir;

  @BeforeAll
  static void copyClips() throws Exception {
    Files.copy(TestVideos.path(TestVideos.TEST_AVI), dir.resolve("a.avi"));
    Files.createDirectories(dir.resolve("sub"));
    Files.copy(TestVideos.path(TestVideos.TEST_AVI), dir.resolve("sub/b.avi"));
    Files.writeString(dir.resolve("readme.txt"), "not listed: wrong extension");
  }

  @Override
  protected FrameSource createSource() {
    return new VideoDirectorySource(dir, SourceOptions.defaults());
  }

  @Override
  protected long expectedFrames() {
    return 2 * 164;
  }

  @Override
  protected boolean expectedLive() {
    return false;
  }

  @Test
  void next_readsFilesInPathOrder_andContinuesCaptureTimesAcrossFiles() throws Exception {
    List<DecodedFrame> frames = new ArrayList<>();
    try (VideoDirectorySource source = new VideoDirectorySource(dir, SourceOptions.defaults())) {
      Optional<DecodedFrame> f;
      while ((f = source.next()).isPresent()) {
        frames.add(f.get());
      }
      assertThat(source.failures()).isEmpty();
    }
    assertThat(frames.get(0).position().origin()).endsWith("a.avi");
    assertThat(frames.get(164).position().origin()).endsWith("b.avi");
    assertThat(frames.get(164).position().frameIndex()).isZero();
    // 25 fps: the first frame of the second file comes one frame (40 ms) after the last of the
    // first.
    assertThat(frames.get(164).captureTime())
        .isEqualTo(frames.get(163).captureTime().plusMillis(40));
  }

  @Test
  void brokenFiles_areListedAsFailures_andTheRestIsRead(@TempDir Path mixed) throws Exception {
    Files.writeString(mixed.resolve("1-not-a-video.mp4"), "plain text, not a video\n".repeat(50));
    byte[] mp4 = Files.readAllBytes(TestVideos.path(TestVideos.TEST_MP4));
    Files.write(mixed.resolve("2-truncated.mp4"), java.util.Arrays.copyOf(mp4, mp4.length / 2));
    Files.copy(TestVideos.path(TestVideos.TEST_AVI), mixed.resolve("3-good.avi"));
    long frames = 0;
    try (VideoDirectorySource source = new VideoDirectorySource(mixed, SourceOptions.defaults())) {
      while (source.next().isPresent()) {
        frames++;
      }
      assertThat(source.failures()).hasSize(2);
      assertThat(source.failures().get(0)).contains("1-not-a-video.mp4");
      assertThat(source.failures().get(1)).contains("2-truncated.mp4");
    }
    assertThat(frames).isEqualTo(164);
  }

  @Test
  void open_directoryWithoutVideos_saysSo(@TempDir Path empty) {
    VideoDirectorySource source = new VideoDirectorySource(empty, SourceOptions.defaults());
    assertThatThrownBy(source::open)
        .isInstanceOf(SourceException.class)
        .hasMessageContaining("holds no video files");
  }
}
