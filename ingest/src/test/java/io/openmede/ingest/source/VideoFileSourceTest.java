package io.openmede.ingest.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openmede.ingest.frame.FrameResizer;
import io.openmede.ingest.frame.FrameSize;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VideoFileSourceTest extends FrameSourceContract {

  @Override
  protected FrameSource createSource() {
    return new VideoFileSource(TestVideos.path(TestVideos.TEST_AVI));
  }

  @Override
  protected long expectedFrames() {
    return 164;
  }

  @Override
  protected boolean expectedLive() {
    return false;
  }

  @ParameterizedTest
  @CsvSource({
    "demo.mp4, 280, 340, 256, 28",
    "test.mp4, 300, 340, 256, 30",
    "test.avi, 164, 320, 240, 25"
  })
  void decode_sampleVideos_givesTheirFrameCountsSizesAndRates(
      String name, int frames, int width, int height, double fps) throws Exception {
    List<DecodedFrame> all = TestVideos.decodeAll(TestVideos.path(name));
    assertThat(all).hasSize(frames);
    assertThat(all).allSatisfy(f -> assertThat(f.width()).isEqualTo(width));
    assertThat(all).allSatisfy(f -> assertThat(f.height()).isEqualTo(height));
    for (int i = 0; i < all.size(); i++) {
      assertThat(all.get(i).position().frameIndex()).isEqualTo(i);
    }
    try (VideoFileSource source = new VideoFileSource(TestVideos.path(name))) {
      source.open();
      assertThat(source.frameRate()).isEqualTo(fps);
    }
  }

  @ParameterizedTest
  @CsvSource({"test.mp4", "test.avi", "demo.mp4"})
  void seekToFrame_matchesSequentialDecode_byteForByte(String name) throws Exception {
    Path file = TestVideos.path(name);
    List<DecodedFrame> all = TestVideos.decodeAll(file);
    int last = all.size() - 1;
    // Keyframe neighbourhoods, odd offsets, the first and the last frame.
    int[] indices = {0, 1, 7, 16, 31, 47, 63, 100, 129, last / 2, last - 1, last};
    try (VideoFileSource source = new VideoFileSource(file)) {
      for (int index : indices) {
        assertThat(source.seekToFrame(index)).as("seek to %d", index).isTrue();
        DecodedFrame seeked = source.next().orElseThrow();
        assertThat(seeked.position().frameIndex()).isEqualTo(index);
        assertThat(seeked.rgb())
            .as("%s frame %d after a seek", name, index)
            .isEqualTo(all.get(index).rgb());
        DecodedFrame following = source.next().orElse(null);
        if (index < last) {
          assertThat(following.rgb()).isEqualTo(all.get(index + 1).rgb());
        } else {
          assertThat(following).isNull();
        }
      }
      assertThat(source.seekToFrame(all.size() + 5)).isFalse();
    }
  }

  @Test
  void copyRgb_paddedRows_copiesOnlyThePixels() {
    int width = 5;
    int height = 3;
    int stride = 32;
    Frame frame = new Frame(width, height, Frame.DEPTH_UBYTE, 3, stride);
    ByteBuffer buffer = (ByteBuffer) frame.image[0];
    for (int i = 0; i < buffer.capacity(); i++) {
      buffer.put(i, (byte) 0xEE); // padding garbage
    }
    byte[] expected = new byte[width * height * 3];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width * 3; x++) {
        byte v = (byte) (y * 50 + x);
        buffer.put(y * stride + x, v);
        expected[y * width * 3 + x] = v;
      }
    }
    assertThat(FfmpegInput.copyRgb(frame)).isEqualTo(expected);
  }

  @Test
  void fixedSize_widthNotAMultipleOfFour_keepsRowsAligned() throws Exception {
    // 134 pixels: 402 bytes a row, padded by FFmpeg to a 576-byte stride.
    Path file = TestVideos.path(TestVideos.TEST_MP4);
    DecodedFrame full = TestVideos.decodeAll(file).get(40);
    DecodedFrame scaled;
    try (VideoFileSource source =
        new VideoFileSource(file, SourceOptions.defaults().withSize(FrameSize.fixed(134, 101)))) {
      source.seekToFrame(40);
      scaled = source.next().orElseThrow();
    }
    assertThat(scaled.width()).isEqualTo(134);
    assertThat(scaled.height()).isEqualTo(101);
    byte[] reference = FrameResizer.resize(full.rgb(), 340, 256, 134, 101);
    // FFmpeg's and our bilinear filters differ slightly; sheared rows would differ by tens.
    assertThat(meanAbsoluteDifference(scaled.rgb(), reference)).isLessThan(6.0);
  }

  @Test
  void shortSide_keepsAspectRatio() throws Exception {
    try (VideoFileSource source =
        new VideoFileSource(
            TestVideos.path(TestVideos.TEST_AVI),
            SourceOptions.defaults().withSize(FrameSize.shortSide(120)))) {
      DecodedFrame f = source.next().orElseThrow();
      assertThat(f.width()).isEqualTo(160);
      assertThat(f.height()).isEqualTo(120);
    }
  }

  @Test
  void loop_continuesSequencesAndCaptureTimes() throws Exception {
    try (VideoFileSource source =
        new VideoFileSource(
            TestVideos.path(TestVideos.TEST_AVI), SourceOptions.defaults().withLoop(true))) {
      DecodedFrame previous = null;
      for (int i = 0; i < 164 + 10; i++) {
        DecodedFrame f = source.next().orElseThrow();
        assertThat(f.sequence()).isEqualTo(i);
        if (previous != null) {
          assertThat(f.captureTime()).isAfter(previous.captureTime());
        }
        previous = f;
      }
      assertThat(previous.position().frameIndex()).isEqualTo(9);
    }
  }

  @Test
  void open_missingFile_saysItDoesNotExist() {
    VideoFileSource source = new VideoFileSource(Path.of("/no/such/clip.mp4"));
    assertThatThrownBy(source::open)
        .isInstanceOf(SourceException.class)
        .hasMessageContaining("/no/such/clip.mp4")
        .hasMessageContaining("does not exist");
  }

  @Test
  void open_fileThatIsNotAVideo_saysItCannotBeOpened(@TempDir Path dir) throws Exception {
    Path text = dir.resolve("notes.mp4");
    Files.writeString(text, "this is not a video\n".repeat(100));
    VideoFileSource source = new VideoFileSource(text);
    assertThatThrownBy(source::open)
        .isInstanceOf(SourceException.class)
        .hasMessageContaining(text.toString());
  }

  @Test
  void truncatedFile_endsEarlyOrFailsWithTheFileName(@TempDir Path dir) throws Exception {
    // An AVI cut to a third: the frames before the cut decode, then the source ends.
    byte[] bytes = Files.readAllBytes(TestVideos.path(TestVideos.TEST_AVI));
    Path cut = dir.resolve("cut.avi");
    Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 3));
    int frames = 0;
    try (VideoFileSource source = new VideoFileSource(cut)) {
      Optional<DecodedFrame> f;
      while ((f = source.next()).isPresent()) {
        frames++;
      }
    }
    assertThat(frames).isBetween(1, 163);
  }

  static double meanAbsoluteDifference(byte[] a, byte[] b) {
    assertThat(a).hasSameSizeAs(b);
    long sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += Math.abs((a[i] & 0xff) - (b[i] & 0xff));
    }
    return (double) sum / a.length;
  }
}
