package io.openmede.model;

import java.util.Locale;

/**
 * Where the model's tensors live: the CPU or one CUDA GPU. Parsed from {@code "cpu"}, {@code "gpu"}
 * (GPU 0) or {@code "gpu:N"}. Nothing in the model assumes the CPU.
 *
 * @param kind {@code "cpu"} or {@code "gpu"}
 * @param index GPU ordinal (0 for the CPU)
 */
public record ComputeDevice(String kind, int index) {

  /** The CPU. */
  public static final ComputeDevice CPU = new ComputeDevice("cpu", 0);

  /** Validates kind and index. */
  public ComputeDevice {
    if (!"cpu".equals(kind) && !"gpu".equals(kind)) {
      throw new IllegalArgumentException("device kind must be 'cpu' or 'gpu', got '" + kind + "'");
    }
    if (index < 0) {
      throw new IllegalArgumentException("device index must be >= 0, got " + index);
    }
  }

  /** GPU number {@code index}. */
  public static ComputeDevice gpu(int index) {
    return new ComputeDevice("gpu", index);
  }

  /**
   * Parses {@code cpu}, {@code gpu} or {@code gpu:N} (case-insensitive).
   *
   * @throws IllegalArgumentException with the accepted forms when the text is none of them
   */
  public static ComputeDevice parse(String text) {
    String s = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    if (s.equals("cpu")) {
      return CPU;
    }
    if (s.equals("gpu") || s.equals("cuda")) {
      return gpu(0);
    }
    if (s.startsWith("gpu:") || s.startsWith("cuda:")) {
      String n = s.substring(s.indexOf(':') + 1);
      try {
        return gpu(Integer.parseInt(n));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "bad device '" + text + "': expected cpu, gpu or gpu:N with N a GPU number", e);
      }
    }
    throw new IllegalArgumentException(
        "bad device '" + text + "': expected cpu, gpu or gpu:N with N a GPU number");
  }

  /** True for a GPU. */
  public boolean isGpu() {
    return "gpu".equals(kind);
  }

  /** {@code cpu} or {@code gpu:N}, accepted by {@link #parse(String)}. */
  @Override
  public String toString() {
    return isGpu() ? "gpu:" + index : "cpu";
  }
}
