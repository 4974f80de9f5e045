package io.openmede.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openmede.schemas.values.InputBounds;
import io.openmede.settings.Settings;
import io.openmede.settings.SettingsException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainerSettingsTest {

  private static TrainerSettings of(Map<String, String> values) {
    return TrainerSettings.from(
        Settings.of(List.of(TrainerSettings.GROUP, InputBounds.GROUP), values));
  }

  @Test
  void paperPreset_givesPaperValues_explicitSettingsWin() {
    TrainerSettings p =
        of(
            Map.of(
                "trainer.preset", "paper-vit-b-16",
                "trainer.updates-per-epoch", "50",
                "trainer.delta", "1"));
    assertThat(p.optimizer().schedule().peak()).isEqualTo(3.33e-6);
    assertThat(p.optimizer().schedule().floor()).isEqualTo(3.33e-8);
    assertThat(p.optimizer().schedule().warmupSteps()).isEqualTo(100);
    assertThat(p.optimizer().schedule().totalSteps()).isEqualTo(22 * 50);
    assertThat(p.optimizer().innerStep().fixed()).isEmpty();
    assertThat(p.optimizer().tasksPerUpdate()).isEqualTo(4);
    assertThat(p.optimizer().batchSize()).isEqualTo(8);
    assertThat(p.optimizer().delta()).isEqualTo(1.0);
    assertThat(p.method()).isEqualTo(TrainingMethod.OPEN_MEDE);
  }

  @Test
  void fixedAlpha_andMethodChoice_areRead() {
    TrainerSettings s =
        of(
            Map.of(
                "trainer.alpha.mode", "fixed",
                "trainer.alpha", "0.25",
                "trainer.method", "plain-swa",
                "trainer.max-grad-norm", "1.5"));
    assertThat(s.optimizer().innerStep().alpha(99)).isEqualTo(0.25);
    assertThat(s.method()).isEqualTo(TrainingMethod.PLAIN_SWA);
    assertThat(s.optimizer().maxGradientNorm().getAsDouble()).isEqualTo(1.5);
  }

  @Test
  void badValues_areRefusedNamingThem() {
    assertThatThrownBy(() -> of(Map.of("trainer.max-grad-norm", "lots")))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("trainer.max-grad-norm 'lots'");
    assertThatThrownBy(() -> of(Map.of("trainer.lr.peak", "1e-6", "trainer.lr.final", "1e-3")))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("exceeds trainer.lr.peak");
  }

  @Test
  void modelNames_thatCannotBeginACheckpointVersion_areRefused() {
    for (String bad : List.of("../etc", "a/b", ".hidden", "x y", "-dash", "n".repeat(101))) {
      assertThatThrownBy(() -> of(Map.of("trainer.model.name", bad)))
          .as(bad)
          .isInstanceOf(SettingsException.class)
          .hasMessageContaining("trainer.model.name");
    }
    assertThat(of(Map.of("trainer.model.name", "cams-east_2.v1")).modelName())
        .isEqualTo("cams-east_2.v1");
    assertThat(of(Map.of()).modelName()).isEqualTo("openmede-tiny");
  }
}
