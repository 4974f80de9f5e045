package io.openmede.world;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SyntheticWorldTest {
  private static final SyntheticWorld WORLD = SyntheticWorld.withDefaults();

  @Test
  void clip_timeReversedPairs_shareFrameMultisetInReverseOrder() {
    List<Action> reversed = new ArrayList<>();
    for (Action action : Action.values()) {
      action.timeReversed().ifPresent(partner -> reversed.add(action));
    }
    assertThat(reversed)
        .contains(
            Action.MOVING_LEFT,
            Action.MOVING_RIGHT,
            Action.GROWING,
            Action.SHRINKING,
            Action.ROTATING_CLOCKWISE,
            Action.ROTATING_COUNTER_CLOCKWISE,
            Action.RISING,
            Action.FALLING);
    for (Action action : reversed) {
      Action partner = action.timeReversed().orElseThrow();
      assertThat(partner.timeReversed()).contains(action);
      for (long seed = 0; seed < 5; seed++) {
        ClipSpec spec =
            ClipSpec.of(
                action,
                Shape.values()[(int) seed],
                ActorColour.values()[(int) seed],
                Scene.values()[(int) (seed * 5)],
                seed);
        Clip clip = WORLD.clip(spec);
        Clip other = WORLD.clip(spec.withAction(partner));

        assertThat(frameMultiset(clip)).isEqualTo(frameMultiset(other));
        assertThat(clip.sameFrames(other)).as("%s vs %s as sequences", action, partner).isFalse();
        for (int i = 0; i < clip.frameCount(); i++) {
          assertThat(clip.frames().get(i)).isEqualTo(other.frames().get(clip.frameCount() - 1 - i));
        }
      }
    }
  }

  @Test
  void clip_actionsOtherThanStandingStill_changeBetweenFrames() {
    for (Action action : Action.values()) {
      Clip clip =
          WORLD.clip(ClipSpec.of(action, Shape.SQUARE, ActorColour.RED, action.homeScene(), 3));
      int distinct = frameMultiset(clip).size();
      if (action == Action.STANDING_STILL) {
        assertThat(distinct).as(action.label()).isEqualTo(1);
      } else {
        assertThat(distinct).as(action.label()).isGreaterThan(1);
      }
    }
  }

  @Test
  void clip_sameSpec_isByteIdentical() {
    ClipSpec spec =
        ClipSpec.of(Action.CIRCLING, Shape.CROSS, ActorColour.CYAN, Scene.RUST_CLOUDY, 99);

    assertThat(WORLD.clip(spec).sameFrames(SyntheticWorld.withDefaults().clip(spec))).isTrue();
  }

  @Test
  void clip_differentSeed_differs() {
    ClipSpec spec =
        ClipSpec.of(Action.CIRCLING, Shape.CROSS, ActorColour.CYAN, Scene.RUST_CLOUDY, 99);
    ClipSpec other =
        ClipSpec.of(Action.CIRCLING, Shape.CROSS, ActorColour.CYAN, Scene.RUST_CLOUDY, 100);

    assertThat(WORLD.clip(spec).sameFrames(WORLD.clip(other))).isFalse();
  }

  /**
   * Pins the exact bytes of one clip per action: a change here means every stored data set and
   * pretrained weight was made from a different world, so it must be deliberate.
   */
  @Test
  void clip_defaultSettings_matchesPinnedDigest() throws NoSuchAlgorithmException {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    for (Action action : Action.values()) {
      Clip clip =
          WORLD.clip(
              ClipSpec.of(
                  action,
                  Shape.values()[action.ordinal() % 6],
                  ActorColour.values()[action.ordinal() % 6],
                  Scene.values()[action.ordinal()],
                  action.ordinal()));
      for (byte[] frame : clip.frames()) {
        digest.update(frame);
      }
    }
    for (Scene scene : Scene.values()) {
      digest.update(
          WORLD
              .clip(ClipSpec.of(Action.JUMPING, Shape.RING, ActorColour.WHITE, scene, 5))
              .frames()
              .get(3));
    }

    assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(PINNED_DIGEST);
  }

  private static final String PINNED_DIGEST =
      "ff9f8df999d68e0d7ecc8832ba86ac9777e0d6f93ffa6db2004ad4b6bb3ea2aa";

  @Test
  void clip_frameSize64_hasFramesOf64x64x3Bytes() {
    SyntheticWorld world =
        new SyntheticWorld(WorldSettings.defaults().withFrameSize(64).withFramesPerClip(16));

    Clip clip =
        world.clip(ClipSpec.of(Action.GROWING, Shape.DISC, ActorColour.RED, Scene.BLUE_STRIPED, 1));

    assertThat(clip.width()).isEqualTo(64);
    assertThat(clip.height()).isEqualTo(64);
    assertThat(clip.frames()).hasSize(16).allSatisfy(f -> assertThat(f).hasSize(64 * 64 * 3));
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.9, 0.5})
  void trainingSpecs_homeSceneRate_matchesRhoWithinFourSigma(double rho) {
    SyntheticWorld world =
        new SyntheticWorld(WorldSettings.defaults().withHomeSceneProbability(rho));
    int n = 2000;

    List<ClipSpec> specs = world.trainingSpecs(n, 11);

    long home = specs.stream().filter(ClipSpec::isHomeScene).count();
    double tolerance = 4 * Math.sqrt(rho * (1 - rho) / n);
    assertThat((double) home / n).isCloseTo(rho, org.assertj.core.data.Offset.offset(tolerance));
  }

  @Test
  void trainingSpecs_rhoZero_neverHomeAndRhoOne_alwaysHome() {
    SyntheticWorld never = new SyntheticWorld(WorldSettings.defaults().withHomeSceneProbability(0));
    SyntheticWorld always =
        new SyntheticWorld(WorldSettings.defaults().withHomeSceneProbability(1));

    assertThat(never.trainingSpecs(500, 1)).noneMatch(ClipSpec::isHomeScene);
    assertThat(always.trainingSpecs(500, 1)).allMatch(ClipSpec::isHomeScene);
  }

  @Test
  void trainingSpecs_onlyBaseActionsOnInContextScenes_everyBaseActionOccurs() {
    List<ClipSpec> specs = WORLD.trainingSpecs(2000, 5);

    assertThat(specs).allMatch(s -> s.scene().family() == Scene.Family.IN_CONTEXT);
    assertThat(specs).allMatch(s -> s.action().split() == Action.Split.BASE);
    assertThat(specs).allMatch(ClipSpec::actorVisible);
    assertThat(specs.stream().map(ClipSpec::action).distinct()).hasSameSizeAs(Action.base());
    assertThat(specs.stream().map(ClipSpec::scene).distinct()).hasSameSizeAs(Scene.inContext());
  }

  @Test
  void trainingClips_sameSeed_byteIdentical_differentSeed_different() {
    List<Clip> a = WORLD.trainingClips(50, 7);
    List<Clip> b = SyntheticWorld.withDefaults().trainingClips(50, 7);
    List<Clip> c = WORLD.trainingClips(50, 8);

    for (int i = 0; i < a.size(); i++) {
      assertThat(a.get(i).spec()).isEqualTo(b.get(i).spec());
      assertThat(a.get(i).sameFrames(b.get(i))).isTrue();
    }
    long same = 0;
    for (int i = 0; i < a.size(); i++) {
      same += a.get(i).sameFrames(c.get(i)) ? 1 : 0;
    }
    assertThat(same).isZero();
  }

  @Test
  void trainingSpecs_differentWorldSeed_different() {
    SyntheticWorld other = new SyntheticWorld(WorldSettings.defaults().withSeed(1));

    assertThat(other.trainingSpecs(20, 7)).isNotEqualTo(WORLD.trainingSpecs(20, 7));
  }

  @Test
  void testSpecs_outOfContextSets_useOnlyOutOfContextScenes_andTrainingNever() {
    for (TestSet set : List.of(TestSet.BASE_OUT_OF_CONTEXT, TestSet.NOVEL_OUT_OF_CONTEXT)) {
      List<ClipSpec> specs = WORLD.testSpecs(set, 30, 2);
      assertThat(specs).allMatch(s -> s.scene().family() == Scene.Family.OUT_OF_CONTEXT);
      assertThat(specs.stream().map(ClipSpec::scene).distinct())
          .hasSameSizeAs(Scene.outOfContext());
    }
    for (long seed = 0; seed < 3; seed++) {
      assertThat(WORLD.trainingSpecs(2000, seed))
          .noneMatch(s -> Scene.outOfContext().contains(s.scene()));
    }
  }

  @Test
  void testSpecs_everySet_hasClipsPerActionOfItsActions() {
    for (TestSet set : TestSet.values()) {
      List<ClipSpec> specs = WORLD.testSpecs(set, 4, 1);
      Map<Action, Integer> counts = new EnumMap<>(Action.class);
      specs.forEach(s -> counts.merge(s.action(), 1, Integer::sum));

      assertThat(counts.keySet()).containsExactlyElementsOf(set.actions());
      assertThat(counts.values()).allMatch(c -> c == 4);
      assertThat(specs).allMatch(s -> s.actorVisible() == set.actorVisible());
    }
    assertThat(WORLD.novelInContext(2, 0)).allMatch(c -> c.split() == Action.Split.NOVEL);
    assertThat(WORLD.baseInContext(2, 0)).allMatch(c -> c.split() == Action.Split.BASE);
    assertThat(WORLD.novelOutOfContext(2, 0)).hasSize(2 * Action.novel().size());
  }

  @Test
  void foreignHome_putsEveryActionOnAnotherActionsHomeScene() {
    List<ClipSpec> specs = WORLD.testSpecs(TestSet.FOREIGN_HOME, 40, 3);
    assertThat(specs).allMatch(ClipSpec::actorVisible);
    assertThat(specs).noneMatch(ClipSpec::isHomeScene);
    assertThat(specs).noneMatch(ClipSpec::outOfContext);
    for (ClipSpec s : specs) {
      Action host = s.sceneHomeAction().orElseThrow();
      assertThat(host).isNotEqualTo(s.action());
      assertThat(host.homeScene()).isEqualTo(s.scene());
    }
    // hosts vary: 40 clips of one action land on more than a few scenes
    assertThat(
            specs.stream()
                .filter(x -> x.action() == Action.BOUNCING)
                .map(ClipSpec::scene)
                .distinct()
                .count())
        .isGreaterThan(10);
    assertThat(WORLD.testSpecs(TestSet.NOVEL_OUT_OF_CONTEXT, 2, 0).get(0).sceneHomeAction())
        .isEmpty();
  }

  @Test
  void testSpecs_sameSeed_same_differentFromTraining() {
    List<ClipSpec> test = WORLD.testSpecs(TestSet.BASE_IN_CONTEXT, 10, 0);

    assertThat(WORLD.testSpecs(TestSet.BASE_IN_CONTEXT, 10, 0)).isEqualTo(test);
    assertThat(WORLD.trainingSpecs(5000, 0)).doesNotContainAnyElementsOf(test);
  }

  @Test
  void sceneOnly_framesAreTheBareSceneWithNoActorPixels() {
    List<Clip> clips = WORLD.sceneOnly(2, 4);

    assertThat(clips).hasSize(2 * Action.values().length);
    for (Clip clip : clips) {
      assertThat(clip.hasActor()).isFalse();
      assertThat(clip.isHomeScene()).isTrue();
      byte[] bare =
          ClipRenderer.background(clip.scene(), clip.width(), SplitMix.mix(clip.spec().seed(), 1));
      for (byte[] frame : clip.frames()) {
        assertThat(frame).isEqualTo(bare);
      }
      // the same spec with its actor differs from the bare scene in every frame but blinks
      Clip withActor =
          WORLD.clip(
              new ClipSpec(
                  clip.action(),
                  clip.spec().shape(),
                  clip.spec().colour(),
                  clip.scene(),
                  true,
                  clip.spec().seed()));
      assertThat(
              Arrays.equals(withActor.frames().get(0), bare)
                  && Arrays.equals(withActor.frames().get(1), bare))
          .isFalse();
    }
  }

  @Test
  void toLabeledClip_carriesLabelFramesAndSplitTag() {
    Clip clip =
        WORLD.clip(
            ClipSpec.of(Action.MOVING_LEFT, Shape.DISC, ActorColour.RED, Scene.BLUE_STRIPED, 42));

    var record = clip.toLabeledClip("c-1", "train");

    assertThat(record.getClipId()).isEqualTo("c-1");
    assertThat(record.getLabel()).isEqualTo("moving left");
    assertThat(record.getWidth()).isEqualTo(32);
    assertThat(record.getEncoding()).isEqualTo(io.openmede.schemas.avro.FrameEncoding.RGB);
    assertThat(record.getFrames()).hasSize(8);
    assertThat(record.getFrames().get(2)).isEqualTo(ByteBuffer.wrap(clip.frames().get(2)));
    assertThat(record.getSource()).isEqualTo("synthetic:MOVING_LEFT/RED/DISC/BLUE_STRIPED/seed=42");
    assertThat(record.getSplit()).isEqualTo("train");
  }

  /**
   * Not a strict benchmark: prints clips per second of this thread's CPU time (the build machine is
   * shared, so wall time says little) and fails only if rendering is absurdly slow.
   */
  @Test
  void clip_default8x32x32_rendersInWellUnderAMillisecond() {
    List<ClipSpec> specs = WORLD.trainingSpecs(3000, 3);
    for (ClipSpec spec : specs) {
      WORLD.clip(spec);
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpuStart = threads.getCurrentThreadCpuTime();
    long wallStart = System.nanoTime();
    long checksum = 0;
    for (ClipSpec spec : specs) {
      checksum += WORLD.clip(spec).frames().get(4)[100];
    }
    double cpuMicros = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e3 / specs.size();
    double wallMicros = (System.nanoTime() - wallStart) / 1e3 / specs.size();
    System.out.printf(
        "world: %.0f clips/s of CPU time (%.1f us CPU, %.1f us wall per clip of 8 frames of"
            + " 32x32; checksum %d)%n",
        1e6 / cpuMicros, cpuMicros, wallMicros, checksum);

    assertThat(cpuMicros).isLessThan(5000);
  }

  private static Map<String, Integer> frameMultiset(Clip clip) {
    Map<String, Integer> counts = new HashMap<>();
    for (byte[] frame : clip.frames()) {
      counts.merge(HexFormat.of().formatHex(frame), 1, Integer::sum);
    }
    return counts;
  }
}
