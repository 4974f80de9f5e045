package io.openmede.trainer.meta;

import io.openmede.model.ClassEmbeddings;
import io.openmede.model.VideoBatch;
import io.openmede.model.train.ParameterSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Plain-Java reference arithmetic on named float arrays, for checking the optimizers. */
final class ReferenceMath {

  private ReferenceMath() {}

  static Map<String, float[]> arrays(ParameterSet p) {
    Map<String, float[]> out = new LinkedHashMap<>();
    for (String n : p.names()) {
      out.put(n, p.values(n).clone());
    }
    return out;
  }

  static Map<String, long[]> shapes(ParameterSet p) {
    Map<String, long[]> out = new LinkedHashMap<>();
    for (String n : p.names()) {
      out.put(n, p.shape(n));
    }
    return out;
  }

  /** a + s·b, element-wise, in float as the device does. */
  static Map<String, float[]> plusScaled(Map<String, float[]> a, Map<String, float[]> b, double s) {
    Map<String, float[]> out = new LinkedHashMap<>();
    for (String n : a.keySet()) {
      float[] x = a.get(n);
      float[] y = b.get(n);
      float[] z = new float[x.length];
      for (int i = 0; i < x.length; i++) {
        z[i] = (float) (x[i] + s * y[i]);
      }
      out.put(n, z);
    }
    return out;
  }

  /** One step of PyTorch's AdamW from zero moments at step 1, written out by hand. */
  static Map<String, float[]> adamwFirstStep(
      Map<String, float[]> theta,
      Map<String, long[]> shapes,
      Map<String, float[]> g,
      double lr,
      double beta1,
      double beta2,
      double eps,
      double weightDecay) {
    Map<String, float[]> out = new LinkedHashMap<>();
    for (String n : theta.keySet()) {
      float[] p = theta.get(n).clone();
      float[] gr = g.get(n);
      boolean decay = shapes.get(n).length > 1;
      for (int i = 0; i < p.length; i++) {
        double x = p[i];
        if (decay) {
          x = x - lr * weightDecay * x;
        }
        double m = (1 - beta1) * gr[i];
        double v = (1 - beta2) * gr[i] * gr[i];
        double mHat = m / (1 - beta1);
        double vHat = v / (1 - beta2);
        x = x - lr * mHat / (Math.sqrt(vHat) + eps);
        p[i] = (float) x;
      }
      out.put(n, p);
    }
    return out;
  }

  static double maxAbsDiff(Map<String, float[]> a, Map<String, float[]> b) {
    double max = 0;
    for (String n : a.keySet()) {
      float[] x = a.get(n);
      float[] y = b.get(n);
      for (int i = 0; i < x.length; i++) {
        max = Math.max(max, Math.abs(x[i] - y[i]));
      }
    }
    return max;
  }

  static double maxAbs(Map<String, float[]> a) {
    double max = 0;
    for (float[] x : a.values()) {
      for (float v : x) {
        max = Math.max(max, Math.abs(v));
      }
    }
    return max;
  }

  static VideoBatch randomVideos(Random r, int b, int t, int res) {
    float[] px = new float[b * t * 3 * res * res];
    for (int i = 0; i < px.length; i++) {
      px[i] = (float) r.nextGaussian();
    }
    return new VideoBatch(px, b, t, res);
  }

  static ClassEmbeddings randomClasses(Random r, int k, int dim) {
    List<String> labels = new ArrayList<>();
    float[][] v = new float[k][dim];
    for (int c = 0; c < k; c++) {
      labels.add("class-" + c);
      double norm = 0;
      for (int i = 0; i < dim; i++) {
        v[c][i] = (float) r.nextGaussian();
        norm += v[c][i] * v[c][i];
      }
      for (int i = 0; i < dim; i++) {
        v[c][i] /= (float) Math.sqrt(norm);
      }
    }
    return new ClassEmbeddings(labels, v);
  }

  static TrainingBatch randomBatch(Random r, int b, int t, int res, ClassEmbeddings classes) {
    int[] labels = new int[b];
    for (int i = 0; i < b; i++) {
      labels[i] = r.nextInt(classes.size());
    }
    return new TrainingBatch(randomVideos(r, b, t, res), labels, classes);
  }
}
