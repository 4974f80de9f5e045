package io.openmede.trainer.meta;

import io.openmede.model.ComputeDevice;
import io.openmede.model.train.LossAndGradient;
import io.openmede.model.train.ParameterSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A FAKE gradient source for unit tests: L(θ; batch) = k/2 · Σ (θ_i − c)², with c the mean pixel of
 * the batch and k = 1 + the sum of its labels, so gradients depend on θ and on the batch. It
 * records the batches it saw, in order.
 */
final class FakeQuadraticGradientSource implements GradientSource, AutoCloseable {

  final ParameterSet theta;
  final List<TrainingBatch> seen = new ArrayList<>();

  /** When true, every gradient and loss is NaN (a diverged model, a poisoned batch). */
  boolean nan;

  FakeQuadraticGradientSource(Map<String, float[]> values, Map<String, long[]> shapes) {
    this.theta = ParameterSet.fromArrays(values, shapes, ComputeDevice.CPU);
  }

  static FakeQuadraticGradientSource small() {
    Map<String, float[]> v = new LinkedHashMap<>();
    Map<String, long[]> s = new LinkedHashMap<>();
    v.put("w", new float[] {0.5f, -0.25f, 1.0f, 2.0f, -1.5f, 0.1f});
    s.put("w", new long[] {2, 3});
    v.put("b", new float[] {0.3f, -0.7f});
    s.put("b", new long[] {2});
    return new FakeQuadraticGradientSource(v, s);
  }

  static double center(TrainingBatch b) {
    double sum = 0;
    for (float f : b.videos().pixels()) {
      sum += f;
    }
    return sum / b.videos().pixels().length;
  }

  static double k(TrainingBatch b) {
    double k = 1;
    for (int l : b.labels()) {
      k += l;
    }
    return k;
  }

  @Override
  public ParameterSet parameters() {
    return theta;
  }

  @Override
  public LossAndGradient lossAndGradient(TrainingBatch batch) {
    return lossAndGradient(theta, batch);
  }

  @Override
  public LossAndGradient lossAndGradient(ParameterSet at, TrainingBatch batch) {
    seen.add(batch);
    double c = center(batch);
    double k = k(batch);
    Map<String, float[]> g = new LinkedHashMap<>();
    Map<String, long[]> shapes = new LinkedHashMap<>();
    double loss = 0;
    for (String n : at.names()) {
      float[] x = at.values(n);
      float[] gr = new float[x.length];
      for (int i = 0; i < x.length; i++) {
        double d = x[i] - c;
        loss += 0.5 * k * d * d;
        gr[i] = nan ? Float.NaN : (float) (k * d);
      }
      g.put(n, gr);
      shapes.put(n, at.shape(n));
    }
    return new LossAndGradient(
        nan ? Double.NaN : loss,
        ParameterSet.fromArrays(g, shapes, ComputeDevice.CPU),
        batch.size());
  }

  @Override
  public void close() {
    theta.close();
  }
}
