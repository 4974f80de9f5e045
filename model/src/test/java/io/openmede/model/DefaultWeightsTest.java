package io.openmede.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class DefaultWeightsTest {

  @Test
  void loadTiny_givesThePretrainedTinyArchitectureWithATrainedLogitScale() throws Exception {
    assertThat(DefaultWeights.available()).isTrue();
    assertThat(Files.size(DefaultWeights.extract())).isLessThan(20L * 1024 * 1024);
    assertThat(DefaultWeights.extract()).isEqualTo(DefaultWeights.extract());
    try (ClipModel m = DefaultWeights.loadTiny(ComputeDevice.CPU)) {
      assertThat(m.config()).isEqualTo(ClipConfig.preset("tiny"));
      // CLIP's initial scale is 1/0.07 = 14.29; pretraining moved it
      assertThat(m.logitScale()).isGreaterThan(15.0).isLessThanOrEqualTo(100.0 + 1e-3);
    }
    assertThat(DefaultWeights.manifest())
        .hasValueSatisfying(j -> assertThat(j).contains("\"seed\""));
  }
}
