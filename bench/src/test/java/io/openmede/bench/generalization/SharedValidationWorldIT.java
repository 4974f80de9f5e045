package io.openmede.bench.generalization;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.model.DefaultWeights;
import io.openmede.world.WorldSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * Tuning renders the validation world once for every arm and rate and scores only the two sets of
 * the validation score; this holds it to the benchmark's earlier way, which rendered every set
 * afresh for each arm and rate and scored them all: the same rates, the same scores bit for bit,
 * the same Open-MeDe method chosen.
 */
class SharedValidationWorldIT {

  /** A small size on the bundled weights: two rates far apart, so that training shows. */
  static BenchmarkConfig small() {
    return new BenchmarkConfig(
        1,
        2,
        1,
        2,
        List.of(1e-3, 3e-2),
        0.01,
        0.0,
        1.67e-3,
        1e-3,
        2,
        1.4,
        0.9,
        0.5,
        1,
        1,
        2,
        0.5,
        0,
        1,
        OptionalDouble.empty(),
        1);
  }

  @Test
  void tune_sharedRenderingOfTheTwoScoredSets_equalsFreshRenderingOfEverySet() throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    GeneralizationBenchmark.Tuning shared;
    GeneralizationBenchmark.Tuning reference;
    try (GeneralizationBenchmark bench =
        new GeneralizationBenchmark(
            DefaultWeights.extract(),
            WorldSettings.DEFAULT_FRAME_SIZE,
            small(),
            ArmSelection.of(List.of("plain", "open-mede-acting")),
            new PrintStream(log, true, StandardCharsets.UTF_8))) {
      shared = bench.tune();
      reference = bench.tune(true);
    }

    assertThat(shared).isEqualTo(reference);
    // plain, interp, plain-gwa, open-mede-acting and its -gwa, each at both rates
    assertThat(shared.scores()).hasSize(10);
    assertThat(shared.chosenOpenMeDe()).isPresent();
    // the rates lead to different models: a reuse that changed the training would show
    assertThat(shared.scores().get("plain@0.001")).isNotEqualTo(shared.scores().get("plain@0.03"));
  }
}
