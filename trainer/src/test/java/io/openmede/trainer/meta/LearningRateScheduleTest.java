package io.openmede.trainer.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

  @Test
  void at_warmupThenCosine_hitsPeakAndFloor() {
    LearningRateSchedule s = new LearningRateSchedule(3.33e-6, 3.33e-8, 10, 110);
    assertThat(s.at(0)).isCloseTo(3.33e-7, within(1e-15));
    assertThat(s.at(9)).isCloseTo(3.33e-6, within(1e-15));
    assertThat(s.at(10)).isCloseTo(3.33e-6, within(1e-15));
    assertThat(s.at(60)).isCloseTo((3.33e-6 + 3.33e-8) / 2, within(1e-15));
    assertThat(s.at(110)).isCloseTo(3.33e-8, within(1e-15));
    assertThat(s.at(1000)).isCloseTo(3.33e-8, within(1e-15));
  }

  @Test
  void paperPreset_hasThePapersValues() {
    OptimizerSettings p = OptimizerSettings.paperVitB16(100, 22);
    assertThat(p.delta()).isEqualTo(1.67e-3);
    assertThat(p.innerStep().fixed()).isEmpty();
    assertThat(p.schedule().warmupSteps()).isEqualTo(200);
    assertThat(p.schedule().peak()).isEqualTo(3.33e-6);
    assertThat(p.schedule().floor()).isEqualTo(3.33e-8);
    assertThat(p.tasksPerUpdate()).isEqualTo(4);
    assertThat(p.batchSize()).isEqualTo(8);
    assertThat(p.withDelta(1.0).delta()).isEqualTo(1.0);
  }
}
