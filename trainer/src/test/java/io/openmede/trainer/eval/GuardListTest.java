package io.openmede.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openmede.schemas.avro.LabeledClip;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guard list with real videos (the ingest module's test clips) decoded by FFmpeg. */
class GuardListTest {

  /** H.264 340x256, 300 frames (the ingest module's test clip, from ../shared/videos). */
  static final Path VIDEO =
      Path.of("..", "ingest", "src", "test", "resources", "videos", "test.mp4");

  static final GuardList.Bounds BOUNDS = new GuardList.Bounds(1 << 20, 100, 10L << 20);

  @TempDir Path temp;

  Path dir() throws IOException {
    Path d = Files.createDirectories(temp.resolve("guard"));
    Files.createDirectories(d.resolve("videos"));
    Files.copy(VIDEO, d.resolve("videos/swim.mp4"));
    Files.copy(VIDEO, d.resolve("videos/cook.mp4"));
    Files.copy(VIDEO, temp.resolve("outside.mp4"));
    return d;
  }

  @Test
  void guardVideos_areDecodedOnce_intoOneNovelClipEach_ofTFramesAtTheModelsSide() throws Exception {
    Path d = dir();
    Path list =
        Files.writeString(
            d.resolve("guard.csv"), "videos/swim.mp4,swimming\nvideos/cook.mp4,cooking\n");
    GuardList.Loaded l = GuardList.read(list, 4, 32, Set.of("waving"), BOUNDS);
    assertThat(l.problems()).isEmpty();
    assertThat(l.clips()).extracting(LabeledClip::getLabel).containsExactly("swimming", "cooking");
    for (LabeledClip c : l.clips()) {
      assertThat(c.getSplit()).isEqualTo("novel");
      assertThat(c.getFrames()).hasSize(4);
      assertThat(c.getWidth()).isEqualTo(32);
      assertThat(c.getHeight()).isEqualTo(32);
      assertThat(c.getClipId()).startsWith("guard:videos/");
    }
  }

  @Test
  void videosOutsideTheListsDirectory_trainedLabels_missingOrLargeFiles_areSkippedWithAReason()
      throws Exception {
    Path d = dir();
    Files.createSymbolicLink(d.resolve("videos/link.mp4"), temp.resolve("outside.mp4"));
    Path list =
        Files.writeString(
            d.resolve("guard.txt"),
            String.join(
                "\n",
                "videos/swim.mp4 swimming",
                "../outside.mp4 swimming",
                temp.resolve("outside.mp4") + " swimming",
                "videos/link.mp4 swimming",
                "videos/cook.mp4 waving",
                "videos/none.mp4 cooking",
                "just-a-path"));
    GuardList.Loaded l = GuardList.read(list, 2, 32, Set.of("waving"), BOUNDS);
    assertThat(l.clips())
        .extracting(LabeledClip::getClipId)
        .containsExactly("guard:videos/swim.mp4#0");
    String all = String.join("\n", l.problems());
    assertThat(l.problems()).hasSize(6);
    assertThat(all)
        .contains("line 2 (../outside.mp4): the video")
        .contains("is outside the list's directory")
        .contains("line 4 (videos/link.mp4): the video")
        .contains("label 'waving' is trained on")
        .contains("no such video file")
        .contains("expected 'path label'");
    // bounded: at most max-videos read, a video over max-video-bytes skipped
    GuardList.Loaded one =
        GuardList.read(list, 2, 32, Set.of(), new GuardList.Bounds(1 << 20, 1, 10L << 20));
    assertThat(one.clips()).hasSize(1);
    assertThat(one.problems())
        .anyMatch(p -> p.contains("only the first trainer.guard.max-videos 1"));
    GuardList.Loaded small =
        GuardList.read(list, 2, 32, Set.of(), new GuardList.Bounds(1 << 20, 100, 1000));
    assertThat(small.clips()).isEmpty();
    assertThat(small.problems())
        .anyMatch(p -> p.contains("more than trainer.guard.max-video-bytes 1000"));
  }

  @Test
  void aMissingOrOversizedList_stopsTheStart_namingTheSetting() throws Exception {
    Path d = dir();
    assertThatThrownBy(() -> GuardList.read(d.resolve("nope.csv"), 2, 32, Set.of(), BOUNDS))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("trainer.guard.list")
        .hasMessageContaining("is not a file");
    Path list = Files.writeString(d.resolve("guard.csv"), "videos/swim.mp4,swimming\n".repeat(100));
    assertThatThrownBy(
            () -> GuardList.read(list, 2, 32, Set.of(), new GuardList.Bounds(100, 100, 10L << 20)))
        .hasMessageContaining("more than trainer.guard.max-list-bytes 100");
  }
}
