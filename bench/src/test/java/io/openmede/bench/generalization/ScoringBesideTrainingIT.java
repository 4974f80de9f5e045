package io.openmede.bench.generalization;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.model.DefaultWeights;
import io.openmede.world.WorldSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmark scores each trained arm on a second thread while the next arm trains; this holds a
 * whole run (tuning, a seed of every kind of arm, the frozen model) to the same run scored on the
 * training thread before the next arm trains: every figure equal bit for bit.
 */
class ScoringBesideTrainingIT {

  private static GeneralizationBenchmark.Outcome run(boolean overlap) throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (GeneralizationBenchmark bench =
        new GeneralizationBenchmark(
            DefaultWeights.extract(),
            WorldSettings.DEFAULT_FRAME_SIZE,
            SharedValidationWorldIT.small(),
            ArmSelection.of(List.of("frozen", "oracle", "plain", "open-mede-acting")),
            overlap,
            new PrintStream(log, true, StandardCharsets.UTF_8))) {
      return bench.run();
    }
  }

  @Test
  void run_scoringBesideTraining_givesTheFiguresOfScoringInTurn() throws Exception {
    GeneralizationBenchmark.Outcome beside = run(true);
    GeneralizationBenchmark.Outcome inTurn = run(false);

    assertThat(beside).isEqualTo(inTurn);
    // frozen, oracle, plain, interp, plain-gwa, open-mede-acting and its -gwa
    assertThat(beside.methods()).hasSize(7);
    assertThat(beside.diagnostics()).hasSize(1);
    assertThat(beside.frozenNovelTotal()).isPositive();
  }
}
