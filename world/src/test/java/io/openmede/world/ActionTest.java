package io.openmede.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ActionTest {

  @Test
  void split_isTwoThirdsBase_novelHasAHalfPairAndAFullPair() {
    assertThat(Action.values()).hasSize(20);
    assertThat(Action.base()).hasSize(13);
    assertThat(Action.novel()).hasSize(7);

    assertThat(Action.novel())
        .anyMatch(a -> a.timeReversed().map(p -> p.split() == Action.Split.BASE).orElse(false));
    assertThat(Action.novel())
        .anyMatch(a -> a.timeReversed().map(p -> p.split() == Action.Split.NOVEL).orElse(false));
    assertThat(Action.MOVING_RIGHT.timeReversed()).contains(Action.MOVING_LEFT);
    assertThat(Action.FADING_IN.timeReversed()).contains(Action.FADING_OUT);
    assertThat(Action.BOUNCING.timeReversed()).isEmpty();
  }

  @Test
  void labels_areUniqueAndRoundTrip() {
    assertThat(Action.labels()).doesNotHaveDuplicates().hasSize(20);
    for (Action action : Action.values()) {
      assertThat(Action.forLabel(action.label())).isEqualTo(action);
    }
    assertThat(Action.ROTATING_CLOCKWISE.label()).isEqualTo("rotating clockwise");
  }

  @Test
  void forLabel_unknown_listsKnownLabels() {
    assertThatThrownBy(() -> Action.forLabel("dancing"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'dancing'")
        .hasMessageContaining("moving left");
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
