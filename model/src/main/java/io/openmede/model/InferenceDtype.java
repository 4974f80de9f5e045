package io.openmede.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The number type the image tower computes in for inference ({@link ClipModel#embedVideos}, {@link
 * ClipModel#encodeImages}). Weights stay float32 whatever is chosen: training, the text tower and
 * checkpoints are float32; bfloat16 inference works on a copy of the image tower's weights.
 */
public enum InferenceDtype {
  /** float32, the default. */
  F32("f32"),
  /**
   * bfloat16 (8 bits of mantissa): about twice the matrix throughput of float32 on CPUs with
   * AVX512-BF16 or AMX, and on recent GPUs; embeddings agree with float32 to a cosine of about
   * 0.9999.
   */
  BF16("bf16");

  private static final Path CPU_INFO = Path.of("/proc/cpuinfo");
  private static final Pattern FLAGS = Pattern.compile("(?m)^flags\\s*:(.*)$");

  private final String text;

  InferenceDtype(String text) {
    this.text = text;
  }

  /** {@code f32} or {@code bf16}: the form {@link #parse} accepts. */
  @Override
  public String toString() {
    return text;
  }

  /**
   * Parses {@code f32}/{@code float32} or {@code bf16}/{@code bfloat16} (case-insensitive).
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static InferenceDtype parse(String value) {
    String s = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    return switch (s) {
      case "f32", "float32", "fp32" -> F32;
      case "bf16", "bfloat16" -> BF16;
      default ->
          throw new IllegalArgumentException("model dtype '" + value + "' is not one of f32, bf16");
    };
  }

  /**
   * Why this dtype should not be used on {@code device}, or empty when it can. bfloat16 on a CPU
   * needs the AVX512-BF16 or AMX-BF16 instructions: without them libtorch emulates the type and
   * runs slower than float32. On a GPU the choice is left to the user.
   */
  public Optional<String> unsupportedOn(ComputeDevice device) {
    if (this == F32 || device.isGpu()) {
      return Optional.empty();
    }
    Set<String> flags = cpuFlags();
    if (flags.contains("avx512_bf16") || flags.contains("amx_bf16")) {
      return Optional.empty();
    }
    return Optional.of(
        "model dtype bf16 needs a CPU with AVX512-BF16 or AMX-BF16 instructions, and this CPU"
            + " ("
            + CPU_INFO
            + ") has neither: bfloat16 would be emulated and slower than float32; use f32");
  }

  /**
   * Throws when this dtype should not be used on {@code device} ({@link #unsupportedOn}).
   *
   * @throws IllegalArgumentException with the reason and the fix
   */
  public void checkSupportedOn(ComputeDevice device) {
    unsupportedOn(device)
        .ifPresent(
            why -> {
              throw new IllegalArgumentException(why);
            });
  }

  /** The CPU feature flags Linux reports, empty where it reports none (another OS). */
  static Set<String> cpuFlags() {
    try {
      var m = FLAGS.matcher(Files.readString(CPU_INFO));
      return m.find()
          ? Arrays.stream(m.group(1).trim().split("\\s+")).collect(Collectors.toSet())
          : Set.of();
    } catch (IOException | RuntimeException e) {
      return Set.of();
    }
  }
}
