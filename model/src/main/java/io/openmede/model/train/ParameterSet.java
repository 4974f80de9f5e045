package io.openmede.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.openmede.model.ComputeDevice;
import io.openmede.model.DjlDevices;
import io.openmede.model.weights.Safetensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named tensors on one device: model parameters, gradients, optimiser moments, weight averages.
 *
 * <p>Two kinds exist. An <em>owned</em> set (from {@link #copy()}, {@link #zerosLike()}, {@link
 * #load(Path, ComputeDevice)}, a gradient) holds its tensors in its own native memory, freed by
 * {@link #close()}. A <em>live view</em> ({@code ClipModel.parameters()}) refers to the model's own
 * tensors: changing it ({@link #setFrom}, {@link #addScaled}, ...) changes the model, and closing
 * it does nothing.
 *
 * <p>Sets taking part in one operation must have the same names and shapes (checked). All
 * arithmetic runs on the device; temporaries are freed before each method returns. Not thread-safe:
 * do not use a set from two threads at once, and do not change a live view while its model runs a
 * forward pass.
 */
public final class ParameterSet implements AutoCloseable {

  private final ComputeDevice device;
  private final NDManager manager;
  private final boolean live;
  private final LinkedHashMap<String, NDArray> arrays;

  private ParameterSet(
      ComputeDevice device,
      NDManager manager,
      boolean live,
      LinkedHashMap<String, NDArray> arrays) {
    this.device = device;
    this.manager = manager;
    this.live = live;
    this.arrays = arrays;
  }

  /** A live view over tensors owned by someone else (the model). Internal to the model module. */
  public static ParameterSet liveView(ComputeDevice device, Map<String, NDArray> arrays) {
    return new ParameterSet(device, null, true, new LinkedHashMap<>(arrays));
  }

  /**
   * An owned set over tensors already attached to {@code manager}, which the set closes. Internal
   * to the model module.
   */
  public static ParameterSet owning(
      ComputeDevice device, NDManager manager, Map<String, NDArray> arrays) {
    return new ParameterSet(device, manager, false, new LinkedHashMap<>(arrays));
  }

  /** A new empty manager for an owned set on {@code device}. Internal to the model module. */
  public static NDManager newManager(ComputeDevice device) {
    return DjlDevices.root(device).newSubManager();
  }

  /**
   * Creates an owned set from plain arrays.
   *
   * @param values name to row-major float data, in the order the set will keep
   * @param shapes name to shape, same names
   */
  public static ParameterSet fromArrays(
      Map<String, float[]> values, Map<String, long[]> shapes, ComputeDevice device) {
    NDManager m = newManager(device);
    LinkedHashMap<String, NDArray> arrays = new LinkedHashMap<>();
    for (Map.Entry<String, float[]> e : values.entrySet()) {
      long[] shape = shapes.get(e.getKey());
      if (shape == null) {
        m.close();
        throw new IllegalArgumentException("no shape for parameter " + e.getKey());
      }
      arrays.put(e.getKey(), m.create(e.getValue(), new Shape(shape)));
    }
    return new ParameterSet(device, m, false, arrays);
  }

  /** The device the tensors live on. */
  public ComputeDevice device() {
    return device;
  }

  /** True for a live view of a model's parameters. */
  public boolean isLive() {
    return live;
  }

  /** Parameter names in a fixed order. */
  public List<String> names() {
    return Collections.unmodifiableList(new ArrayList<>(arrays.keySet()));
  }

  /** The tensor called {@code name}. Internal to the model module. */
  public NDArray array(String name) {
    NDArray a = arrays.get(name);
    if (a == null) {
      throw new IllegalArgumentException("no parameter '" + name + "'; have " + arrays.keySet());
    }
    return a;
  }

  /** Copies of the values of {@code name}, row-major. */
  public float[] values(String name) {
    NDArray a = array(name);
    if (a.getDataType() == DataType.FLOAT32) {
      return a.toFloatArray();
    }
    try (NDManager tmp = scratch()) {
      NDArray f = a.toType(DataType.FLOAT32, true);
      f.attach(tmp);
      return f.toFloatArray();
    }
  }

  /** The shape of {@code name}. */
  public long[] shape(String name) {
    return array(name).getShape().getShape();
  }

  /** Total number of scalars. */
  public long size() {
    long n = 0;
    for (NDArray a : arrays.values()) {
      n += a.size();
    }
    return n;
  }

  /** All values as plain arrays, in {@link #names()} order. */
  public Map<String, float[]> toArrays() {
    LinkedHashMap<String, float[]> out = new LinkedHashMap<>();
    for (String n : arrays.keySet()) {
      out.put(n, values(n));
    }
    return out;
  }

  /** An owned deep copy on the same device. */
  public ParameterSet copy() {
    NDManager m = newManager(device);
    LinkedHashMap<String, NDArray> out = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
      NDArray d = e.getValue().duplicate();
      d.attach(m);
      out.put(e.getKey(), d);
    }
    return new ParameterSet(device, m, false, out);
  }

  /** An owned set of zeros with the same names, shapes and types. */
  public ParameterSet zerosLike() {
    NDManager m = newManager(device);
    LinkedHashMap<String, NDArray> out = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
      out.put(e.getKey(), m.zeros(e.getValue().getShape(), e.getValue().getDataType()));
    }
    return new ParameterSet(device, m, false, out);
  }

  private NDManager scratch() {
    return DjlDevices.root(device).newSubManager();
  }

  private void checkCompatible(ParameterSet other) {
    if (!arrays.keySet().equals(other.arrays.keySet())) {
      throw new IllegalArgumentException(
          "parameter sets differ in names: " + arrays.keySet() + " vs " + other.arrays.keySet());
    }
    for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
      Shape a = e.getValue().getShape();
      Shape b = other.arrays.get(e.getKey()).getShape();
      if (!a.equals(b)) {
        throw new IllegalArgumentException(
            "parameter " + e.getKey() + " has shape " + a + " here but " + b + " in the other set");
      }
    }
  }

  /** Overwrites every tensor with the values of {@code other} (same names and shapes). */
  public void setFrom(ParameterSet other) {
    checkCompatible(other);
    try (NDManager tmp = scratch()) {
      for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
        NDArray target = e.getValue();
        NDArray src = other.arrays.get(e.getKey());
        NDArray moved = src.toDevice(target.getDevice(), true);
        moved.attach(tmp);
        NDArray typed = moved.toType(target.getDataType(), true);
        typed.attach(tmp);
        target.set(new NDIndex("..."), typed);
      }
    }
  }

  /** {@code this += a * other}. */
  public void addScaled(ParameterSet other, double a) {
    checkCompatible(other);
    try (NDManager tmp = scratch()) {
      for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
        NDArray target = e.getValue();
        NDArray scaled = other.arrays.get(e.getKey()).mul((float) a);
        scaled.attach(tmp);
        target.addi(scaled);
      }
    }
  }

  /** {@code this *= a}. */
  public void scale(double a) {
    for (NDArray t : arrays.values()) {
      t.muli((float) a);
    }
  }

  /** Sets every value to zero. */
  public void zero() {
    for (NDArray t : arrays.values()) {
      t.set(new NDIndex("..."), 0f);
    }
  }

  /** Euclidean norm over all tensors together, accumulated in double precision. */
  public double globalNorm() {
    double sum = 0;
    try (NDManager tmp = scratch()) {
      for (NDArray t : arrays.values()) {
        NDArray sq = t.toType(DataType.FLOAT64, true);
        sq.attach(tmp);
        NDArray s = sq.square().sum();
        s.attach(tmp);
        sum += s.getDouble();
      }
    }
    return Math.sqrt(sum);
  }

  /**
   * Writes the set as F32 safetensors (names as given by {@link #names()}).
   *
   * @param safetensorsFile target, replaced atomically
   */
  public void save(Path safetensorsFile) throws IOException {
    save(safetensorsFile, Map.of());
  }

  /** As {@link #save(Path)}, with a {@code __metadata__} string map. */
  public void save(Path safetensorsFile, Map<String, String> metadata) throws IOException {
    LinkedHashMap<String, Safetensors.Tensor> out = new LinkedHashMap<>();
    for (String n : arrays.keySet()) {
      out.put(n, new Safetensors.Tensor(shape(n), values(n)));
    }
    Safetensors.write(safetensorsFile, out, metadata);
  }

  /** Reads every tensor of a safetensors file (float types) into an owned set. */
  public static ParameterSet load(Path safetensorsFile, ComputeDevice device) throws IOException {
    LinkedHashMap<String, float[]> values = new LinkedHashMap<>();
    LinkedHashMap<String, long[]> shapes = new LinkedHashMap<>();
    try (Safetensors.Reader r = Safetensors.open(safetensorsFile)) {
      for (Map.Entry<String, Safetensors.Entry> e : r.entries().entrySet()) {
        values.put(e.getKey(), r.floats(e.getKey()));
        shapes.put(e.getKey(), e.getValue().shape());
      }
    }
    return fromArrays(values, shapes, device);
  }

  /** Frees an owned set's native memory; does nothing for a live view. Idempotent. */
  @Override
  public void close() {
    if (!live && manager != null) {
      manager.close();
    }
  }
}
