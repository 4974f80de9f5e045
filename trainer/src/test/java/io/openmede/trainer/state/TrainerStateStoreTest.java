package io.openmede.trainer.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.model.ComputeDevice;
import io.openmede.model.train.AdamW;
import io.openmede.model.train.ParameterSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerStateStoreTest {

  @TempDir Path temp;

  private static ParameterSet set(float... v) {
    return ParameterSet.fromArrays(
        Map.of("w", v), Map.of("w", new long[] {v.length}), ComputeDevice.CPU);
  }

  @Test
  void saveThenLoad_restoresThetaMomentsAverageAndProgress_keepsOneGeneration() throws Exception {
    TrainerStateStore store = new TrainerStateStore(temp);
    assertThat(store.load(ComputeDevice.CPU)).isEmpty();
    try (ParameterSet theta = set(1f, 2f, 3f);
        ParameterSet grad = set(0.1f, -0.2f, 0.3f);
        ParameterSet avg = set(4f, 5f, 6f);
        AdamW adam = new AdamW(AdamW.Settings.defaults())) {
      adam.step(theta, grad, 0.01);
      TrainerProgress p1 =
          new TrainerProgress(
              3, 3, 96, Map.of(0, 96L, 1, 7L), 0.12, 2, 1, Optional.of("v1"), Optional.empty());
      store.save(theta, adam, Optional.of(avg), p1);
      adam.step(theta, grad, 0.01);
      TrainerProgress p2 =
          new TrainerProgress(
              4, 4, 128, Map.of(0, 128L, 1, 7L), 0.2, 3, 1, Optional.of("v1"), Optional.of("v1"));
      store.save(theta, adam, Optional.of(avg), p2);
      float[] thetaNow = theta.values("w");
      try (TrainerState s = store.load(ComputeDevice.CPU).orElseThrow();
          AdamW loaded = s.adamw();
          ParameterSet a = s.averageAccumulator().orElseThrow()) {
        assertThat(s.progress()).isEqualTo(p2);
        assertThat(s.theta().values("w")).containsExactly(thetaNow);
        assertThat(a.values("w")).containsExactly(4f, 5f, 6f);
        assertThat(loaded.step()).isEqualTo(2);
        // same moments: one more identical step from both gives identical parameters
        try (ParameterSet t1 = theta.copy();
            ParameterSet t2 = theta.copy()) {
          adam.step(t1, grad, 0.01);
          loaded.step(t2, grad, 0.01);
          assertThat(t2.values("w")).containsExactly(t1.values("w"));
        }
      }
    }
    try (var files = Files.list(temp)) {
      assertThat(files.map(f -> f.getFileName().toString()).sorted().toList())
          .containsExactly("CURRENT", "gen-000000000004");
    }
  }
}
