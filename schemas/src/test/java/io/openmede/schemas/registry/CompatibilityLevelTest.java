package io.openmede.schemas.registry;

import static io.openmede.schemas.registry.CompatibilityLevel.BACKWARD;
import static io.openmede.schemas.registry.CompatibilityLevel.BACKWARD_TRANSITIVE;
import static io.openmede.schemas.registry.CompatibilityLevel.FORWARD;
import static io.openmede.schemas.registry.CompatibilityLevel.FULL;
import static io.openmede.schemas.registry.CompatibilityLevel.FULL_TRANSITIVE;
import static io.openmede.schemas.registry.CompatibilityLevel.NONE;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CompatibilityLevelTest {

  @Test
  void covers_strongerLevelsCoverWeakerOnes() {
    assertThat(BACKWARD_TRANSITIVE.covers(BACKWARD_TRANSITIVE)).isTrue();
    assertThat(FULL_TRANSITIVE.covers(BACKWARD_TRANSITIVE)).isTrue();
    assertThat(BACKWARD_TRANSITIVE.covers(BACKWARD)).isTrue();
    assertThat(FULL.covers(BACKWARD)).isTrue();
    assertThat(BACKWARD.covers(NONE)).isTrue();
  }

  @Test
  void covers_weakerOrOtherDirections_doNotCover() {
    assertThat(NONE.covers(BACKWARD_TRANSITIVE)).isFalse();
    assertThat(BACKWARD.covers(BACKWARD_TRANSITIVE)).isFalse();
    assertThat(FULL.covers(BACKWARD_TRANSITIVE)).isFalse();
    assertThat(FORWARD.covers(BACKWARD)).isFalse();
    assertThat(BACKWARD_TRANSITIVE.covers(FULL)).isFalse();
  }

  @Test
  void parse_acceptsRegistrySpellings_andRefusesOthers() {
    assertThat(CompatibilityLevel.parse("backward_transitive")).contains(BACKWARD_TRANSITIVE);
    assertThat(CompatibilityLevel.parse("full-transitive")).contains(FULL_TRANSITIVE);
    assertThat(CompatibilityLevel.parse("sometimes")).isEmpty();
    assertThat(CompatibilityLevel.parse(null)).isEmpty();
  }
}
