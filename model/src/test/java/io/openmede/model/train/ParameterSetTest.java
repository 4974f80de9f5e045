package io.openmede.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.openmede.model.ComputeDevice;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParameterSetTest {

  static ParameterSet set(float[] w, float[] b) {
    Map<String, float[]> values = new LinkedHashMap<>();
    values.put("w", w);
    values.put("b", b);
    Map<String, long[]> shapes = new LinkedHashMap<>();
    shapes.put("w", new long[] {2, w.length / 2});
    shapes.put("b", new long[] {b.length});
    return ParameterSet.fromArrays(values, shapes, ComputeDevice.CPU);
  }

  @Test
  void arithmetic_matchesHandComputation() {
    try (ParameterSet a = set(new float[] {1, 2, 3, 4}, new float[] {-1, 5});
        ParameterSet b = set(new float[] {0.5f, 0.5f, -1, 2}, new float[] {2, 2})) {
      a.addScaled(b, 2.0);
      assertThat(a.values("w")).containsExactly(2, 3, 1, 8);
      assertThat(a.values("b")).containsExactly(3, 9);
      a.scale(0.5);
      assertThat(a.values("w")).containsExactly(1, 1.5f, 0.5f, 4);
      assertThat(a.globalNorm())
          .isCloseTo(Math.sqrt(1 + 2.25 + 0.25 + 16 + 2.25 + 20.25), within(1e-9));
      assertThat(a.names()).isEqualTo(List.of("w", "b"));
      assertThat(a.shape("w")).containsExactly(2, 2);
      assertThat(a.size()).isEqualTo(6);
      assertThat(a.toArrays().get("b")).containsExactly(1.5f, 4.5f);
    }
  }

  @Test
  void copy_isIndependentOfTheOriginal() {
    try (ParameterSet a = set(new float[] {1, 2}, new float[] {3});
        ParameterSet c = a.copy()) {
      c.scale(10);
      assertThat(a.values("w")).containsExactly(1, 2);
      assertThat(c.values("w")).containsExactly(10, 20);
      a.close();
      assertThat(c.values("b")).containsExactly(30);
    }
  }

  @Test
  void zerosLikeAndZero_giveZeros() {
    try (ParameterSet a = set(new float[] {1, Float.NaN}, new float[] {3});
        ParameterSet z = a.zerosLike()) {
      assertThat(z.values("w")).containsExactly(0, 0);
      assertThat(z.shape("w")).containsExactly(2, 1);
      a.zero();
      assertThat(a.values("w")).containsExactly(0, 0);
      assertThat(a.globalNorm()).isZero();
    }
  }

  @Test
  void setFrom_copiesValues() {
    try (ParameterSet a = set(new float[] {1, 2}, new float[] {3});
        ParameterSet b = set(new float[] {7, 8}, new float[] {9})) {
      a.setFrom(b);
      b.scale(0);
      assertThat(a.values("w")).containsExactly(7, 8);
      assertThat(a.values("b")).containsExactly(9);
    }
  }

  @Test
  void operations_onMismatchedSets_nameTheDifference() {
    try (ParameterSet a = set(new float[] {1, 2}, new float[] {3});
        ParameterSet b = set(new float[] {1, 2, 3, 4}, new float[] {3})) {
      assertThatThrownBy(() -> a.addScaled(b, 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("parameter w has shape");
    }
  }

  @Test
  void saveAndLoad_roundTrips(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("p.safetensors");
    try (ParameterSet a = set(new float[] {1.25f, -2, 3, 4e-7f}, new float[] {5, 6, 7})) {
      a.save(file);
      try (ParameterSet b = ParameterSet.load(file, ComputeDevice.CPU)) {
        assertThat(b.names()).isEqualTo(a.names());
        assertThat(b.values("w")).containsExactly(a.values("w"));
        assertThat(b.shape("w")).containsExactly(2, 2);
        assertThat(b.values("b")).containsExactly(5, 6, 7);
      }
    }
  }
}
