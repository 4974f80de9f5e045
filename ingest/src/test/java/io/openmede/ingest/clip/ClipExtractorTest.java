package io.openmede.ingest.clip;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.ingest.frame.FrameSize;
import io.openmede.ingest.frame.JpegEncoder;
import io.openmede.ingest.source.DecodedFrame;
import io.openmede.ingest.source.SourceOptions;
import io.openmede.ingest.source.TestVideos;
import io.openmede.ingest.source.VideoFileSource;
import io.openmede.schemas.avro.LabeledClip;
import io.openmede.schemas.values.LabelMap;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipExtractorTest {
  @TempDir Path dir;

  private static byte[] bytes(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }

  @Test
  void extract_threeStridedClips_holdExactlyThePlannedFrames() throws Exception {
    Path avi = TestVideos.path(TestVideos.TEST_AVI);
    FrameSize size = FrameSize.fixed(112, 112);
    List<DecodedFrame> all = new ArrayList<>();
    try (VideoFileSource s = new VideoFileSource(avi, SourceOptions.defaults().withSize(size))) {
      Optional<DecodedFrame> f;
      while ((f = s.next()).isPresent()) {
        all.add(f.get());
      }
    }
    ClipSampling sampling = ClipSampling.strided(8, 16);
    List<int[]> plan = sampling.clips(164, 3);
    DatasetEntry entry = new DatasetEntry(avi, "test.avi", "arm wrestling", 1);
    try (ClipExtractor extractor =
            new ClipExtractor(sampling, 3, Optional.of(size), 85, "eval", 1 << 20);
        JpegEncoder jpeg = new JpegEncoder(85)) {
      List<LabeledClip> clips = extractor.extract(entry).clips();
      assertThat(clips).hasSize(3);
      for (int c = 0; c < 3; c++) {
        LabeledClip clip = clips.get(c);
        assertThat(clip.getClipId()).isEqualTo("test.avi#" + c);
        assertThat(clip.getLabel()).isEqualTo("arm wrestling");
        assertThat(clip.getSplit()).isEqualTo("eval");
        assertThat(clip.getWidth()).isEqualTo(112);
        assertThat(clip.getFrames()).hasSize(8);
        assertThat(clip.getSource())
            .endsWith("frames " + Arrays.toString(plan.get(c)).replaceAll("[\\[\\] ]", ""));
        for (int i = 0; i < 8; i++) {
          DecodedFrame expected = all.get(plan.get(c)[i]);
          assertThat(bytes(clip.getFrames().get(i)))
              .as("clip %d frame %d", c, i)
              .isEqualTo(jpeg.encode(expected.rgb(), 112, 112));
        }
      }
    }
  }

  @Test
  void run_listWithMissingBrokenAndTruncatedFiles_reportsEach_andIngestsTheRest() throws Exception {
    Files.copy(TestVideos.path(TestVideos.TEST_MP4), dir.resolve("good.mp4"));
    Files.writeString(dir.resolve("text.mp4"), "not a video at all\n".repeat(40));
    byte[] mp4 = Files.readAllBytes(TestVideos.path(TestVideos.TEST_MP4));
    Files.write(dir.resolve("cut.mp4"), Arrays.copyOf(mp4, mp4.length / 2));
    byte[] avi = Files.readAllBytes(TestVideos.path(TestVideos.TEST_AVI));
    Files.write(dir.resolve("cut.avi"), Arrays.copyOf(avi, avi.length / 2));
    Path list = dir.resolve("list.txt");
    Files.writeString(
        list, "missing.mp4 0\ntext.mp4 1\ncut.mp4 0\ngood.mp4 1\ncut.avi 0\nbad-line\n");
    DatasetList parsed =
        DatasetList.read(list, dir, Optional.of(LabelMap.of(java.util.Map.of(0, "a", 1, "b"))));
    List<LabeledClip> sent = new ArrayList<>();
    ClipReport report;
    try (ClipExtractor extractor =
        new ClipExtractor(
            ClipSampling.segments(8),
            1,
            Optional.of(FrameSize.shortSide(64)),
            80,
            "train",
            1 << 20)) {
      report = DatasetIngest.run(parsed, extractor, sent::add, () -> false, r -> {});
    }
    assertThat(sent).extracting(LabeledClip::getClipId).containsExactly("good.mp4#0", "cut.avi#0");
    assertThat(report.videos()).isEqualTo(5);
    assertThat(report.videosOk()).isEqualTo(2);
    assertThat(report.failures()).hasSize(4);
    assertThat(report.failures().get(0)).contains("line 6").contains("bad-line");
    assertThat(report.failures().get(1)).contains("missing.mp4").contains("does not exist");
    assertThat(report.failures().get(2)).contains("text.mp4");
    assertThat(report.failures().get(3)).contains("cut.mp4");
    // FFmpeg counts the frames of an AVI without its index from what is left: a cut AVI is a
    // shorter video whose clips come from the part before the cut.
    assertThat(sent.get(1).getSource()).doesNotContain(",163");
    assertThat(report.summary()).startsWith("2 of 5 videos ingested, 2 clips, 4 failures");
  }
}
