package io.openmede.model.openset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KnownRegionTest {

  private static final int DIM = 16;

  /** Unit vectors scattered around {@code centre} (noise of scale {@code spread}). */
  private static List<float[]> cluster(Random r, float[] centre, double spread, int n) {
    List<float[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] v = new float[DIM];
      for (int d = 0; d < DIM; d++) {
        v[d] = (float) (centre[d] + spread * r.nextGaussian());
      }
      out.add(unit(v));
    }
    return out;
  }

  private static float[] unit(float[] v) {
    double n = 0;
    for (float x : v) {
      n += x * x;
    }
    float[] out = new float[v.length];
    for (int d = 0; d < v.length; d++) {
      out[d] = (float) (v[d] / Math.sqrt(n));
    }
    return out;
  }

  private static float[] axis(int d) {
    float[] v = new float[DIM];
    v[d] = 1;
    return v;
  }

  @Test
  void fit_keepsItsTargetShareOfNewKnownClips_andRejectsAFarAwayEmbedding() {
    Random r = new Random(7);
    List<float[]> known = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      known.addAll(cluster(r, axis(c), 0.25, 60));
    }
    KnownRegion region = KnownRegion.fit(known, 0.95, 5, 1024);

    List<float[]> fresh = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      fresh.addAll(cluster(r, axis(c), 0.25, 100));
    }
    long kept = fresh.stream().filter(region::contains).count();
    // the threshold is cross-fitted: new clips of the same labels pass at about the target share
    assertThat(kept / (double) fresh.size()).isBetween(0.90, 1.0);
    // a clip of a direction no known clip shows is outside
    assertThat(region.contains(axis(10))).isFalse();
    assertThat(region.similarity(axis(10))).isLessThan(region.minSimilarity());
  }

  @Test
  void fit_withALowerTarget_isStricter() {
    Random r = new Random(3);
    List<float[]> known = cluster(r, axis(0), 0.3, 200);
    KnownRegion loose = KnownRegion.fit(known, 0.99, 5, 1024);
    KnownRegion strict = KnownRegion.fit(known, 0.8, 5, 1024);
    assertThat(strict.minSimilarity()).isGreaterThan(loose.minSimilarity());
  }

  @Test
  void fit_keepsAtMostMaxReferences() {
    Random r = new Random(1);
    KnownRegion region = KnownRegion.fit(cluster(r, axis(0), 0.3, 300), 0.9, 5, 64);
    assertThat(region.references()).hasNumberOfRows(64);
  }

  @Test
  void similarity_ofAnotherDimension_isRefusedWithTheReason() {
    KnownRegion region = new KnownRegion(new float[][] {axis(0)}, 0.5, 0.9);
    assertThatThrownBy(() -> region.similarity(new float[] {1f, 0f}))
        .hasMessageContaining("fitted for another model");
  }

  @Test
  void hostileValues_areRefusedWithTheReason() {
    assertThatThrownBy(() -> new KnownRegion(new float[][] {{Float.NaN, 0f}}, 0.5, 0.9))
        .hasMessageContaining("NaN");
    assertThatThrownBy(() -> new KnownRegion(new float[][] {{1f, 0f}}, Double.NaN, 0.9))
        .hasMessageContaining("not in [-1, 1]");
    assertThatThrownBy(() -> new KnownRegion(new float[][] {{1f, 0f}}, 3, 0.9))
        .hasMessageContaining("not in [-1, 1]");
    assertThatThrownBy(() -> new KnownRegion(new float[][] {{1f, 0f}, {1f}}, 0.5, 0.9))
        .hasMessageContaining("dimensions");
    assertThatThrownBy(() -> new KnownRegion(new float[KnownRegion.MAX_REFERENCES + 1][2], 0, 1))
        .hasMessageContaining("more than");
    assertThatThrownBy(
            () -> new KnownRegion(new float[][] {new float[KnownRegion.MAX_VALUES + 1]}, 0, 1))
        .hasMessageContaining("values");
    assertThatThrownBy(() -> new KnownRegion(new float[0][], 0, 1))
        .hasMessageContaining("no reference");
  }
}
