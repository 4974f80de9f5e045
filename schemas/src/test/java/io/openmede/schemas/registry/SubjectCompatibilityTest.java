package io.openmede.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** Against an in-memory fake registry that keeps per-subject levels (a unit test's fake). */
class SubjectCompatibilityTest {

  static final class FakeLevels implements SchemaRegistryClient {
    final Map<String, CompatibilityLevel> levels = new HashMap<>();
    int sets;

    @Override
    public int register(String subject, Schema schema) {
      return 1;
    }

    @Override
    public Schema getById(int id) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<Integer> lookUp(String subject, Schema schema) {
      return Optional.empty();
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
      return true;
    }

    @Override
    public Optional<CompatibilityLevel> compatibilityLevel(String subject) {
      return Optional.ofNullable(levels.get(subject));
    }

    @Override
    public void setCompatibilityLevel(String subject, CompatibilityLevel level) {
      sets++;
      levels.put(subject, level);
    }
  }

  @Test
  void enforce_unsetOrWeaker_isRaisedWhenAllowed() {
    FakeLevels registry = new FakeLevels();
    registry.levels.put("weak-value", CompatibilityLevel.NONE);
    assertThat(
            SubjectCompatibility.enforce(
                registry, "weak-value", CompatibilityLevel.BACKWARD_TRANSITIVE, true))
        .isEqualTo(SubjectCompatibility.Outcome.RAISED);
    assertThat(
            SubjectCompatibility.enforce(
                registry, "unset-value", CompatibilityLevel.BACKWARD_TRANSITIVE, true))
        .isEqualTo(SubjectCompatibility.Outcome.RAISED);
    assertThat(registry.levels)
        .containsEntry("weak-value", CompatibilityLevel.BACKWARD_TRANSITIVE)
        .containsEntry("unset-value", CompatibilityLevel.BACKWARD_TRANSITIVE);
  }

  @Test
  void enforce_weakerWithoutRaise_isReportedAndLeft() {
    FakeLevels registry = new FakeLevels();
    registry.levels.put("weak-value", CompatibilityLevel.BACKWARD);
    assertThat(
            SubjectCompatibility.enforce(
                registry, "weak-value", CompatibilityLevel.BACKWARD_TRANSITIVE, false))
        .isEqualTo(SubjectCompatibility.Outcome.WEAKER_LEFT);
    assertThat(registry.levels).containsEntry("weak-value", CompatibilityLevel.BACKWARD);
    assertThat(registry.sets).isZero();
  }

  @Test
  void enforce_strongerLevel_isLeftAlone() {
    FakeLevels registry = new FakeLevels();
    registry.levels.put("full-value", CompatibilityLevel.FULL_TRANSITIVE);
    assertThat(
            SubjectCompatibility.enforce(
                registry, "full-value", CompatibilityLevel.BACKWARD_TRANSITIVE, true))
        .isEqualTo(SubjectCompatibility.Outcome.AT_LEVEL);
    assertThat(registry.sets).isZero();
  }
}
