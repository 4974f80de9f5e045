package io.openmede.world;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
  void clip_directionIsRandomWithinAClass_soAClipReversedIsStillItsClass() {
    // the order-free learner cannot see time direction, so no class may depend on it: every
    // moving action has clips going each way along its path
    for (Action action : Action.values()) {
      if (action.path() == Action.Path.IN_PLACE) {
        continue;
      }
      java.util.Set<Integer> directions = new java.util.HashSet<>();
      for (long seed = 0; seed < 40; seed++) {
        Motion.Parameters p = Motion.parameters(SplitMix.mix(seed, 2));
        directions.add(p.direction());
      }
      assertThat(directions).as(action.label()).containsExactlyInAnyOrder(-1, 1);
    }
    // and the two directions of a line are the same set of positions, visited in reverse
    Motion.Parameters forward = new Motion.Parameters(0.5, 0.4, 0.13, 0.3, 1, 0, false);
    Motion.Parameters backward = new Motion.Parameters(0.5, 0.4, 0.13, 0.3, -1, 0, false);
    for (int k = 0; k < 8; k++) {
      Pose f = Motion.pose(Action.GLIDING_ACROSS, forward, k, 8);
      Pose b = Motion.pose(Action.GLIDING_ACROSS, backward, 7 - k, 8);
      assertThat(f.x()).isCloseTo(b.x(), org.assertj.core.api.Assertions.within(1e-12));
      assertThat(f.y()).isEqualTo(b.y());
    }
  }

  @Test
  void clip_everyActionChangesBetweenFrames_exceptGlidingInPlace() {
    for (Action action : Action.values()) {
      Clip clip =
          WORLD.clip(ClipSpec.of(action, Shape.SQUARE, ActorColour.RED, action.homeScene(), 3));
      int distinct = frameMultiset(clip).size();
      if (action == Action.GLIDING_IN_PLACE) {
        assertThat(distinct).as(action.label()).isEqualTo(1);
      } else {
        assertThat(distinct).as(action.label()).isGreaterThan(1);
      }
    }
  }

  @Test
  void clip_sameSpec_isByteIdentical() {
    ClipSpec spec =
        ClipSpec.of(
            Action.BLINKING_IN_A_CIRCLE, Shape.CROSS, ActorColour.CYAN, Scene.RUST_CLOUDY, 99);

    assertThat(WORLD.clip(spec).sameFrames(SyntheticWorld.withDefaults().clip(spec))).isTrue();
  }

  @Test
  void clip_differentSeed_differs() {
    ClipSpec spec =
        ClipSpec.of(
            Action.BLINKING_IN_A_CIRCLE, Shape.CROSS, ActorColour.CYAN, Scene.RUST_CLOUDY, 99);
    ClipSpec other =
        ClipSpec.of(
            Action.BLINKING_IN_A_CIRCLE, Shape.CROSS, ActorColour.CYAN, Scene.RUST_CLOUDY, 100);

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
      if (scene.family() == Scene.Family.HELD_OUT) {
        continue; // world v3's scenes, pinned below: world v2's pixels stay as they were
      }
      digest.update(
          WORLD
              .clip(ClipSpec.of(Action.PULSING_DIAGONALLY, Shape.RING, ActorColour.WHITE, scene, 5))
              .frames()
              .get(3));
    }

    assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(PINNED_DIGEST);
  }

  @Test
  void clip_heldOutScenes_matchPinnedDigest() throws NoSuchAlgorithmException {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    for (Scene scene : Scene.heldOut()) {
      digest.update(
          WORLD
              .clip(ClipSpec.of(Action.PULSING_DIAGONALLY, Shape.RING, ActorColour.WHITE, scene, 5))
              .frames()
              .get(3));
    }

    assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(PINNED_HELD_OUT_DIGEST);
  }

  private static final String PINNED_HELD_OUT_DIGEST =
      "25504b0e34e1a41dd100397ef1fb5c525ac02604b308630f61a9dbc938c52945";

  private static final String PINNED_DIGEST =
      "a40f093ae30d492a5fea6a204b5ad126bbb7ff27530c64ed03e12d65de850d90";

  @Test
  void clip_frameSize64_hasFramesOf64x64x3Bytes() {
    SyntheticWorld world =
        new SyntheticWorld(WorldSettings.defaults().withFrameSize(64).withFramesPerClip(16));

    Clip clip =
        world.clip(
            ClipSpec.of(
                Action.PULSING_IN_PLACE, Shape.DISC, ActorColour.RED, Scene.BLUE_STRIPED, 1));

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
      assertThat(new CaptionCorpus(WORLD).stills(2000, seed))
          .noneMatch(s -> s.spec().outOfContext());
    }
    // out-of-context scenes are other families: no texture and no colour of an in-context scene
    for (Scene ooc : Scene.outOfContext()) {
      for (Scene ic : Scene.inContext()) {
        assertThat(ooc.pattern()).isNotEqualTo(ic.pattern());
        assertThat(ooc.dark()).isNotEqualTo(ic.dark());
      }
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
                .filter(x -> x.action() == Action.SPINNING_UP_AND_DOWN)
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
            ClipSpec.of(
                Action.GLIDING_ACROSS, Shape.DISC, ActorColour.RED, Scene.BLUE_STRIPED, 42));

    var record = clip.toLabeledClip("c-1", "train");

    assertThat(record.getClipId()).isEqualTo("c-1");
    assertThat(record.getLabel()).isEqualTo("gliding across");
    assertThat(record.getWidth()).isEqualTo(32);
    assertThat(record.getEncoding()).isEqualTo(io.openmede.schemas.avro.FrameEncoding.RGB);
    assertThat(record.getFrames()).hasSize(8);
    assertThat(record.getFrames().get(2)).isEqualTo(ByteBuffer.wrap(clip.frames().get(2)));
    assertThat(record.getSource())
        .isEqualTo("synthetic:GLIDING_ACROSS/RED/DISC/BLUE_STRIPED/seed=42");
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
