package io.openmede.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.openmede.model.ComputeDevice;
import io.openmede.model.DjlDevices;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW with PyTorch's semantics ({@code torch.optim.AdamW}, no amsgrad): for step {@code t}
 * (counted from 1), per parameter {@code p} with gradient {@code g}:
 *
 * <pre>
 * p = p - lr * weightDecay * p          (only tensors with 2 or more dimensions)
 * m = beta1 * m + (1 - beta1) * g
 * v = beta2 * v + (1 - beta2) * g * g
 * p = p - lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + epsilon)
 * </pre>
 *
 * Tensors with at most one dimension (biases, LayerNorm gains, the class token, the logit scale)
 * get no weight decay, the common rule. The gradient is used exactly as passed (combine, clip or
 * average it yourself). Moments are created at the first step. Not thread-safe.
 */
public final class AdamW implements AutoCloseable {

  /** Hyper-parameters. */
  public record Settings(double beta1, double beta2, double epsilon, double weightDecay) {
    /** Validates ranges, naming the bad value. */
    public Settings {
      if (!(beta1 >= 0 && beta1 < 1)) {
        throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
      }
      if (!(beta2 >= 0 && beta2 < 1)) {
        throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
      }
      if (!(epsilon > 0)) {
        throw new IllegalArgumentException("epsilon must be > 0, got " + epsilon);
      }
      if (!(weightDecay >= 0)) {
        throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
      }
    }

    /** PyTorch's defaults: 0.9, 0.999, 1e-8, 0.01. */
    public static Settings defaults() {
      return new Settings(0.9, 0.999, 1e-8, 0.01);
    }
  }

  private final Settings settings;
  private ParameterSet m;
  private ParameterSet v;
  private long step;

  /** A fresh optimiser (step 0, no moments yet). */
  public AdamW(Settings settings) {
    this.settings = settings;
  }

  /** Convenience: {@code new AdamW(new Settings(beta1, beta2, epsilon, weightDecay))}. */
  public AdamW(double beta1, double beta2, double epsilon, double weightDecay) {
    this(new Settings(beta1, beta2, epsilon, weightDecay));
  }

  /** The hyper-parameters. */
  public Settings settings() {
    return settings;
  }

  /** Number of steps taken so far. */
  public long step() {
    return step;
  }

  /**
   * Updates {@code params} in place (a live view updates the model).
   *
   * @param params parameters to change
   * @param gradient gradient with the same names and shapes
   * @param learningRate step size, at least 0
   */
  public void step(ParameterSet params, ParameterSet gradient, double learningRate) {
    if (!(learningRate >= 0)) {
      throw new IllegalArgumentException("learning rate must be >= 0, got " + learningRate);
    }
    if (!params.names().equals(gradient.names())) {
      throw new IllegalArgumentException(
          "gradient names " + gradient.names() + " differ from parameter names " + params.names());
    }
    if (m == null) {
      m = gradient.zerosLike();
      v = gradient.zerosLike();
    } else if (!m.names().equals(params.names())) {
      throw new IllegalArgumentException(
          "optimiser state is for " + m.names() + ", not " + params.names());
    }
    step++;
    double b1 = settings.beta1();
    double b2 = settings.beta2();
    double bc1 = 1 - Math.pow(b1, step);
    double bc2 = 1 - Math.pow(b2, step);
    double stepSize = learningRate / bc1;
    double sqrtBc2 = Math.sqrt(bc2);
    try (NDManager tmp = DjlDevices.root(params.device()).newSubManager()) {
      for (String name : params.names()) {
        NDArray p = params.array(name);
        NDArray g = gradient.array(name);
        NDArray mm = m.array(name);
        NDArray vv = v.array(name);
        if (p.getShape().dimension() > 1 && settings.weightDecay() != 0) {
          p.muli((float) (1 - learningRate * settings.weightDecay()));
        }
        NDArray gs = g.mul((float) (1 - b1));
        gs.attach(tmp);
        mm.muli((float) b1).addi(gs);
        NDArray g2 = g.square();
        g2.attach(tmp);
        g2.muli((float) (1 - b2));
        vv.muli((float) b2).addi(g2);
        NDArray denom = vv.sqrt();
        denom.attach(tmp);
        denom.divi((float) sqrtBc2).addi((float) settings.epsilon());
        NDArray update = mm.div(denom);
        update.attach(tmp);
        update.muli((float) stepSize);
        p.subi(update);
      }
    }
  }

  /**
   * Saves step count, settings and moments to one safetensors file ({@code m.NAME}, {@code v.NAME};
   * settings and step in the metadata).
   */
  public void save(Path file) throws IOException {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("step", Long.toString(step));
    meta.put("beta1", Double.toString(settings.beta1()));
    meta.put("beta2", Double.toString(settings.beta2()));
    meta.put("epsilon", Double.toString(settings.epsilon()));
    meta.put("weight_decay", Double.toString(settings.weightDecay()));
    LinkedHashMap<String, io.openmede.model.weights.Safetensors.Tensor> out = new LinkedHashMap<>();
    if (m != null) {
      for (String n : m.names()) {
        out.put(
            "m." + n, new io.openmede.model.weights.Safetensors.Tensor(m.shape(n), m.values(n)));
      }
      for (String n : v.names()) {
        out.put(
            "v." + n, new io.openmede.model.weights.Safetensors.Tensor(v.shape(n), v.values(n)));
      }
    }
    io.openmede.model.weights.Safetensors.write(file, out, meta);
  }

  /** Restores an optimiser saved by {@link #save(Path)}, its moments on {@code device}. */
  public static AdamW load(Path file, ComputeDevice device) throws IOException {
    try (ParameterSet all = ParameterSet.load(file, device);
        io.openmede.model.weights.Safetensors.Reader r =
            io.openmede.model.weights.Safetensors.open(file)) {
      Map<String, String> meta = r.metadata();
      AdamW opt =
          new AdamW(
              new Settings(
                  Double.parseDouble(meta.getOrDefault("beta1", "0.9")),
                  Double.parseDouble(meta.getOrDefault("beta2", "0.999")),
                  Double.parseDouble(meta.getOrDefault("epsilon", "1e-8")),
                  Double.parseDouble(meta.getOrDefault("weight_decay", "0.01"))));
      opt.step = Long.parseLong(meta.getOrDefault("step", "0"));
      LinkedHashMap<String, float[]> mv = new LinkedHashMap<>();
      LinkedHashMap<String, float[]> vv = new LinkedHashMap<>();
      LinkedHashMap<String, long[]> ms = new LinkedHashMap<>();
      LinkedHashMap<String, long[]> vs = new LinkedHashMap<>();
      for (String n : all.names()) {
        if (n.startsWith("m.")) {
          mv.put(n.substring(2), all.values(n));
          ms.put(n.substring(2), all.shape(n));
        } else if (n.startsWith("v.")) {
          vv.put(n.substring(2), all.values(n));
          vs.put(n.substring(2), all.shape(n));
        }
      }
      if (!mv.isEmpty()) {
        opt.m = ParameterSet.fromArrays(mv, ms, device);
        opt.v = ParameterSet.fromArrays(vv, vs, device);
      }
      return opt;
    }
  }

  /** Frees the moments. */
  @Override
  public void close() {
    if (m != null) {
      m.close();
      v.close();
    }
  }
}
