package io.openmede.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ActionTest {

  @Test
  void split_isTwoThirdsBase_andEveryNovelActionIsANewCombinationOfBasePrimitives() {
    assertThat(Action.values()).hasSize(20);
    assertThat(Action.base()).hasSize(13);
    assertThat(Action.novel()).hasSize(7);
    // every rhythm x path once
    assertThat(Arrays.stream(Action.values()).map(a -> a.rhythm() + "/" + a.path()).distinct())
        .hasSize(Action.Rhythm.values().length * Action.Path.values().length);
    for (Action n : Action.novel()) {
      long sameRhythm = Action.base().stream().filter(b -> b.rhythm() == n.rhythm()).count();
      long samePath = Action.base().stream().filter(b -> b.path() == n.path()).count();
      assertThat(sameRhythm).as("base actions %s like %s", n.rhythm(), n).isGreaterThanOrEqualTo(2);
      assertThat(samePath).as("base actions %s like %s", n.path(), n).isGreaterThanOrEqualTo(2);
      // the label is made of the words base labels use
      assertThat(Action.base()).anyMatch(b -> b.label().startsWith(n.rhythm().word() + " "));
      assertThat(Action.base()).anyMatch(b -> b.label().endsWith(" " + n.path().phrase()));
    }
  }

  @Test
  void labels_areUniqueAndRoundTrip() {
    assertThat(Action.labels()).doesNotHaveDuplicates().hasSize(20);
    for (Action action : Action.values()) {
      assertThat(Action.forLabel(action.label())).isEqualTo(action);
    }
    assertThat(Action.BLINKING_IN_A_CIRCLE.label()).isEqualTo("blinking in a circle");
  }

  @Test
  void forLabel_unknown_listsKnownLabels() {
    assertThatThrownBy(() -> Action.forLabel("dancing"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'dancing'")
        .hasMessageContaining("gliding across");
  }

  @Test
  void homeScene_isADistinctInContextScenePerAction() {
    assertThat(Arrays.stream(Action.values()).map(Action::homeScene).distinct()).hasSize(20);
    assertThat(Action.values()).allMatch(a -> a.homeScene().family() == Scene.Family.IN_CONTEXT);
  }

  @Test
  void scenes_twentyInContextSixOutOfContext_descriptionsUnique() {
    assertThat(Scene.inContext()).hasSize(20);
    assertThat(Scene.outOfContext()).hasSize(6);
    assertThat(Arrays.stream(Scene.values()).map(Scene::description).distinct())
        .hasSize(Scene.values().length);
    assertThat(Scene.BLUE_STRIPED.description()).isEqualTo("blue striped background");
  }
}
