package io.openmede.trainer.averaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every {@link WeightAverage} promises, run on each implementation: an average of a constant θ
 * is θ; published averages are the caller's own copies (later updates, changes of θ and closing the
 * average leave them as they were); a restore from a saved state continues exactly as the
 * uninterrupted average would; nothing the average allocates outlives {@link WeightAverage#close()}
 * except what it handed out; it publishes within a bounded number of updates.
 */
class WeightAverageContractTest {

  static final int DIM = 6;
  static final int UPDATES = 40;

  /** Float arrays that count their owned vectors, to find leaks and aliasing. */
  static final class CountingAlgebra implements WeightAlgebra<float[]> {
    final Map<float[], Boolean> live = new IdentityHashMap<>();

    @Override
    public float[] copy(float[] v) {
      float[] c = v.clone();
      live.put(c, true);
      return c;
    }

    @Override
    public void combine(float[] target, double a, float[] other, double b) {
      FloatArrayAlgebra.INSTANCE.combine(target, a, other, b);
    }

    @Override
    public void release(float[] v) {
      assertThat(live.remove(v)).as("released a vector it does not own, or twice").isNotNull();
    }
  }

  static Stream<Arguments> averages() {
    List<Function<WeightAlgebra<float[]>, WeightAverage<float[]>>> makers =
        List.of(
            a -> new GaussianWeightAverage<>(a, 3, 2, 4, 2, true),
            a -> new GaussianWeightAverage<>(a, 1.5, 1, 3, 1, false),
            a -> new StochasticWeightAverage<>(a, 4, 2),
            a -> new ExponentialMovingAverage<>(a, 0.9, 5));
    List<String> names = List.of("gwa with θ0", "gwa", "swa", "ema");
    List<Arguments> out = new ArrayList<>();
    for (int i = 0; i < makers.size(); i++) {
      out.add(Arguments.of(names.get(i), makers.get(i)));
    }
    return out.stream();
  }

  static List<float[]> thetas(int n, long seed) {
    Random r = new Random(seed);
    List<float[]> out = new ArrayList<>();
    for (int t = 0; t <= n; t++) {
      float[] v = new float[DIM];
      for (int i = 0; i < DIM; i++) {
        v[i] = (float) r.nextGaussian();
      }
      out.add(v);
    }
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("averages")
  void theAverageOfAConstantThetaIsTheta(
      String name, Function<WeightAlgebra<float[]>, WeightAverage<float[]>> make) {
    float[] theta = thetas(0, 1).get(0);
    try (WeightAverage<float[]> avg = make.apply(FloatArrayAlgebra.INSTANCE)) {
      avg.begin(theta.clone());
      int published = 0;
      for (long u = 1; u <= UPDATES; u++) {
        Optional<float[]> p = avg.afterUpdate(u, theta.clone());
        if (p.isPresent()) {
          published++;
          for (int i = 0; i < DIM; i++) {
            assertThat((double) p.get()[i]).isCloseTo(theta[i], within(1e-5));
          }
        }
      }
      assertThat(published).as("publications in %d updates", UPDATES).isGreaterThanOrEqualTo(2);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("averages")
  void publishedAveragesAreOwnedCopies_andNothingLeaks(
      String name, Function<WeightAlgebra<float[]>, WeightAverage<float[]>> make) {
    CountingAlgebra algebra = new CountingAlgebra();
    List<float[]> thetas = thetas(UPDATES, 2);
    List<float[]> published = new ArrayList<>();
    List<float[]> snapshots = new ArrayList<>();
    float[] theta = thetas.get(0).clone(); // one live θ, changed in place as an optimizer does
    WeightAverage<float[]> avg = make.apply(algebra);
    avg.begin(theta);
    for (int u = 1; u <= UPDATES; u++) {
      System.arraycopy(thetas.get(u), 0, theta, 0, DIM);
      Optional<float[]> p = avg.afterUpdate(u, theta);
      if (p.isPresent()) {
        assertThat(p.get()).as("a publication is not θ itself").isNotSameAs(theta);
        published.add(p.get());
        snapshots.add(p.get().clone());
      }
    }
    java.util.Arrays.fill(theta, 1e6f);
    avg.close();
    for (int k = 0; k < published.size(); k++) {
      assertThat(published.get(k))
          .as("publication %d after close", k)
          .containsExactly(snapshots.get(k));
    }
    for (float[] p : published) {
      algebra.release(p);
    }
    assertThat(algebra.live).as("vectors still allocated after close").isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("averages")
  void aRestoreFromASavedState_continuesAsTheUninterruptedAverage(
      String name, Function<WeightAlgebra<float[]>, WeightAverage<float[]>> make) {
    List<float[]> thetas = thetas(UPDATES, 3);
    FloatArrayAlgebra alg = FloatArrayAlgebra.INSTANCE;
    for (int cut = 1; cut < UPDATES; cut += 7) {
      List<float[]> straight = new ArrayList<>();
      List<float[]> resumed = new ArrayList<>();
      try (WeightAverage<float[]> a = make.apply(alg);
          WeightAverage<float[]> b = make.apply(alg)) {
        a.begin(thetas.get(0).clone());
        b.begin(thetas.get(0).clone());
        for (int u = 1; u <= UPDATES; u++) {
          a.afterUpdate(u, thetas.get(u).clone()).ifPresent(straight::add);
          if (u <= cut) {
            b.afterUpdate(u, thetas.get(u).clone()).ifPresent(resumed::add);
          }
        }
        AverageState<float[]> saved = b.state();
        AverageState<float[]> copy =
            new AverageState<>(
                saved.accumulator().map(alg::copy),
                saved.weightSum(),
                saved.snapshotIndex(),
                saved.cycles());
        try (WeightAverage<float[]> c = make.apply(alg)) {
          c.restore(copy); // a new process: no begin(), as after a restart
          for (int u = cut + 1; u <= UPDATES; u++) {
            c.afterUpdate(u, thetas.get(u).clone()).ifPresent(resumed::add);
          }
        }
      }
      assertThat(resumed).as("publications when cut after update %d", cut).hasSameSizeAs(straight);
      for (int k = 0; k < straight.size(); k++) {
        for (int i = 0; i < DIM; i++) {
          assertThat((double) resumed.get(k)[i])
              .as("publication %d, cut after %d", k, cut)
              .isCloseTo(straight.get(k)[i], within(1e-6));
        }
      }
    }
  }
}
