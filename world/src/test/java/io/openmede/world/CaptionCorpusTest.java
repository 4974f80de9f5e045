package io.openmede.world;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CaptionCorpusTest {
  private static final SyntheticWorld WORLD = SyntheticWorld.withDefaults();
  private static final CaptionCorpus CORPUS = new CaptionCorpus(WORLD);

  @Test
  void stills_twentyOrMore_coverEveryActionIncludingNovel() {
    List<CaptionedStill> stills = CORPUS.stills(20, 1);

    Set<Action> actions =
        stills.stream()
            .map(CaptionedStill::action)
            .collect(Collectors.toCollection(() -> EnumSet.noneOf(Action.class)));
    assertThat(actions).containsExactlyInAnyOrder(Action.values());
    for (Action novel : Action.novel()) {
      assertThat(stills).anyMatch(s -> s.caption().contains(" " + novel.label() + " on "));
    }
  }

  @Test
  void stills_scenesInContextOnly_withHomeBias() {
    List<CaptionedStill> stills = CORPUS.stills(1000, 2);

    assertThat(stills).allMatch(s -> s.spec().scene().family() == Scene.Family.IN_CONTEXT);
    long home = stills.stream().filter(s -> s.spec().isHomeScene()).count();
    assertThat(home).isBetween(860L, 940L);
  }

  @Test
  void caption_namesColourShapeActionAndScene() {
    ClipSpec spec =
        ClipSpec.of(Action.GLIDING_ACROSS, Shape.DISC, ActorColour.RED, Scene.BLUE_STRIPED, 1);

    assertThat(CaptionCorpus.caption(spec))
        .isEqualTo("a photo of a red disc gliding across on a blue striped background");
    assertThat(
            CaptionCorpus.caption(
                ClipSpec.of(
                    Action.BLINKING_IN_A_CIRCLE,
                    Shape.RING,
                    ActorColour.ORANGE,
                    Scene.OLIVE_GLOWING,
                    1)))
        .isEqualTo("a photo of an orange ring blinking in a circle on an olive glowing background");
    assertThat(CaptionCorpus.caption(spec.withoutActor()))
        .isEqualTo("a photo of a blue striped background");
  }

  @Test
  void still_motionTrail_showsTheRhythmAlongThePath_andEndsOnTheLastPose() {
    // one path, four rhythms: the trails differ, so a still can name the rhythm
    List<byte[]> trails = new java.util.ArrayList<>();
    for (Action action :
        List.of(
            Action.GLIDING_ACROSS,
            Action.BLINKING_ACROSS,
            Action.PULSING_ACROSS,
            Action.SPINNING_ACROSS)) {
      ClipSpec spec = ClipSpec.of(action, Shape.TRIANGLE, ActorColour.YELLOW, Scene.GREY_DOTTED, 5);
      byte[] trail = CORPUS.still(spec, CaptionCorpus.Style.MOTION_TRAIL).rgb();
      for (byte[] other : trails) {
        assertThat(Arrays.equals(trail, other)).as(action.label()).isFalse();
      }
      trails.add(trail);
      // the newest pose is drawn opaque on top: the trail's actor ends where the clip ends
      byte[] last = WORLD.clip(spec).frames().get(7);
      assertThat(differingPixels(trail, last))
          .isLessThan(differingPixels(trail, WORLD.clip(spec).frames().get(0)));
    }
  }

  @Test
  void still_singleFrame_isOneOfTheClipsFrames() {
    ClipSpec spec =
        ClipSpec.of(
            Action.PULSING_DIAGONALLY, Shape.CROSS, ActorColour.WHITE, Scene.TEAL_SLANTED, 9);

    byte[] still = CORPUS.still(spec, CaptionCorpus.Style.SINGLE_FRAME).rgb();

    assertThat(WORLD.clip(spec).frames()).anyMatch(f -> Arrays.equals(f, still));
  }

  @Test
  void stills_sameSeed_byteIdentical() {
    List<CaptionedStill> a = CORPUS.stills(30, 4);
    List<CaptionedStill> b = new CaptionCorpus(SyntheticWorld.withDefaults()).stills(30, 4);

    for (int i = 0; i < a.size(); i++) {
      assertThat(a.get(i).caption()).isEqualTo(b.get(i).caption());
      assertThat(a.get(i).rgb()).isEqualTo(b.get(i).rgb());
    }
  }

  private static int differingPixels(byte[] a, byte[] b) {
    int n = 0;
    for (int i = 0; i < a.length; i += 3) {
      if (a[i] != b[i] || a[i + 1] != b[i + 1] || a[i + 2] != b[i + 2]) {
        n++;
      }
    }
    return n;
  }
}
