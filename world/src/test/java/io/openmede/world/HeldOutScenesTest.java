package io.openmede.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * World v3's SCUBA-like set: scenes held out of video training, shown by pretraining stills only,
 * in the in-context luminance band, with the in-context floor of actor contrast.
 */
class HeldOutScenesTest {
  private static final SyntheticWorld WORLD = SyntheticWorld.withDefaults();

  /** Mean Rec. 601 luminance of a scene's rendered background over several texture phases. */
  private static double renderedLuminance(Scene scene) {
    double sum = 0;
    int n = 0;
    for (long seed = 0; seed < 16; seed++) {
      byte[] rgb = ClipRenderer.background(scene, 32, seed);
      for (int i = 0; i < rgb.length; i += 3) {
        sum += 0.299 * (rgb[i] & 0xFF) + 0.587 * (rgb[i + 1] & 0xFF) + 0.114 * (rgb[i + 2] & 0xFF);
        n++;
      }
    }
    return sum / n;
  }

  @Test
  void heldOutScenes_areTenPatternsTimesPalettes_ofInContextPatterns_inOtherPalettes() {
    assertThat(Scene.heldOut()).hasSize(10);
    Set<Pattern> inContextPatterns =
        Scene.inContext().stream().map(Scene::pattern).collect(Collectors.toSet());
    Set<String> inContextPalettes =
        Scene.inContext().stream()
            .map(s -> s.description().split(" ")[0])
            .collect(Collectors.toSet());
    for (Scene s : Scene.heldOut()) {
      assertThat(inContextPatterns).contains(s.pattern());
      assertThat(inContextPalettes).doesNotContain(s.description().split(" ")[0]);
      assertThat(s.family()).isEqualTo(Scene.Family.HELD_OUT);
    }
  }

  @Test
  void heldOutScenes_renderedLuminance_liesInTheInContextBand() {
    double low = Double.POSITIVE_INFINITY;
    double high = Double.NEGATIVE_INFINITY;
    for (Scene s : Scene.inContext()) {
      low = Math.min(low, renderedLuminance(s));
      high = Math.max(high, renderedLuminance(s));
    }
    for (Scene s : Scene.heldOut()) {
      assertThat(renderedLuminance(s)).as(s.name()).isBetween(low, high);
      assertThat(Scene.luminance(s.dark())).as(s.name()).isCloseTo(Scene.DARK_LUMINANCE, within1());
      assertThat(Scene.luminance(s.light()))
          .as(s.name())
          .isCloseTo(Scene.LIGHT_LUMINANCE, within1());
    }
    // the never-seen diagnostic set is, on average, brighter than the band's middle: the
    // covariate shift that world v3's held-out set removes
    double middle = (low + high) / 2;
    double neverSeen =
        Scene.outOfContext().stream()
            .mapToDouble(HeldOutScenesTest::renderedLuminance)
            .average()
            .orElseThrow();
    double heldOut =
        Scene.heldOut().stream()
            .mapToDouble(HeldOutScenesTest::renderedLuminance)
            .average()
            .orElseThrow();
    assertThat(neverSeen).isGreaterThan(middle);
    assertThat(Math.abs(heldOut - middle)).isLessThan(Math.abs(neverSeen - middle));
  }

  private static org.assertj.core.data.Offset<Double> within1() {
    return org.assertj.core.data.Offset.offset(1.0);
  }

  @Test
  void heldOutScenes_everyActorColour_standsOutAtLeastAsMuchAsOnTheLeastContrastedInContextScene() {
    double inContextFloor = Double.POSITIVE_INFINITY;
    for (Scene s : Scene.inContext()) {
      for (ActorColour c : ActorColour.values()) {
        inContextFloor = Math.min(inContextFloor, s.contrastWith(c));
      }
    }
    assertThat(inContextFloor).isGreaterThanOrEqualTo(Scene.MIN_ACTOR_CONTRAST);
    for (Scene s : Scene.heldOut()) {
      for (ActorColour c : ActorColour.values()) {
        assertThat(s.contrastWith(c))
            .as(s + " against " + c)
            .isGreaterThanOrEqualTo(Scene.MIN_ACTOR_CONTRAST);
      }
    }
  }

  @Test
  void toned_aHueThatWouldClip_isRefusedWithTheFix() {
    assertThatThrownBy(() -> Scene.toned(0xFF0000, Scene.LIGHT_LUMINANCE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FF0000")
        .hasMessageContaining("darker");
    assertThat(Scene.luminance(Scene.toned(0x5A6E82, 100))).isCloseTo(100, within1());
  }

  @Test
  void heldOutScenes_neverOccurInTrainingVideos_atAnyRho_orWorldSeed() {
    for (double rho : new double[] {0.0, 0.05, 0.9, 1.0}) {
      for (long worldSeed : new long[] {0, 1, 7}) {
        SyntheticWorld w =
            new SyntheticWorld(
                WorldSettings.defaults().withHomeSceneProbability(rho).withSeed(worldSeed));
        List<ClipSpec> specs = w.trainingSpecs(3000, 11);
        assertThat(specs).noneMatch(ClipSpec::heldOut).noneMatch(ClipSpec::outOfContext);
      }
    }
  }

  @Test
  void heldOutScenes_occurInWorldV3PretrainingStills_withActorsOfEveryAction_andBare() {
    List<CaptionedStill> stills = new CaptionCorpus(WORLD, 0.3, 0.2).stills(4000, 5);

    for (Scene s : Scene.heldOut()) {
      List<CaptionedStill> on = stills.stream().filter(c -> c.spec().scene() == s).toList();
      assertThat(on).as(s.name()).anyMatch(c -> c.spec().actorVisible());
      assertThat(on)
          .as(s.name())
          .anyMatch(
              c ->
                  !c.spec().actorVisible()
                      && c.caption().equals("a photo of a " + s.description()));
      assertThat(on).anyMatch(c -> c.caption().contains(" on a " + s.description()));
    }
    Set<Action> onHeldOut =
        stills.stream()
            .filter(c -> c.spec().heldOut() && c.spec().actorVisible())
            .map(CaptionedStill::action)
            .collect(Collectors.toCollection(() -> EnumSet.noneOf(Action.class)));
    assertThat(onHeldOut).containsExactlyInAnyOrder(Action.values());
    long heldOut = stills.stream().filter(c -> c.spec().heldOut()).count();
    long bare = stills.stream().filter(c -> !c.spec().actorVisible()).count();
    assertThat(heldOut).isBetween(1100L, 1300L);
    assertThat(bare).isBetween(700L, 900L);
    assertThat(stills).noneMatch(c -> c.spec().outOfContext());
  }

  @Test
  void worldV2Corpus_isUnchanged_andShowsNoHeldOutScene() {
    List<CaptionedStill> v2 = new CaptionCorpus(WORLD).stills(500, 3);
    List<CaptionedStill> zero = new CaptionCorpus(WORLD, 0, 0).stills(500, 3);

    assertThat(v2).noneMatch(c -> c.spec().heldOut());
    for (int i = 0; i < v2.size(); i++) {
      assertThat(zero.get(i).spec()).isEqualTo(v2.get(i).spec());
    }
    // the first spec of world v2's corpus, pinned: the bundled weights were pretrained on it
    assertThat(v2.get(0).spec().action()).isEqualTo(Action.values()[0]);
    assertThat(v2).allMatch(c -> c.spec().scene().family() == Scene.Family.IN_CONTEXT);
  }

  @Test
  void heldOutTestSets_useOnlyHeldOutScenes_everyOneOfThem() {
    for (TestSet set : List.of(TestSet.BASE_HELD_OUT, TestSet.NOVEL_HELD_OUT)) {
      List<ClipSpec> specs = WORLD.testSpecs(set, 40, 9);
      assertThat(specs).allMatch(ClipSpec::heldOut);
      assertThat(specs.stream().map(ClipSpec::scene).distinct()).hasSize(Scene.heldOut().size());
      assertThat(set.family()).isEqualTo(Scene.Family.HELD_OUT);
    }
    assertThat(TestSet.NOVEL_HELD_OUT.actions()).isEqualTo(Action.novel());
  }

  @Test
  void everySceneTrainingSpecs_coverInContextAndHeldOut_independentOfTheAction_neverTheUnseen() {
    List<ClipSpec> specs = WORLD.everySceneTrainingSpecs(6000, 4);

    Set<Scene> seen = specs.stream().map(ClipSpec::scene).collect(Collectors.toSet());
    assertThat(seen).containsAll(Scene.inContext()).containsAll(Scene.heldOut());
    assertThat(specs).noneMatch(ClipSpec::outOfContext);
    assertThat(specs).allMatch(s -> Action.base().contains(s.action()));
    long home = specs.stream().filter(ClipSpec::isHomeScene).count();
    // 1 in 30 by chance: 200 expected
    assertThat(home).isBetween(140L, 260L);
  }
}
