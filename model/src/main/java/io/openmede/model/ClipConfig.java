package io.openmede.model;

import java.util.List;
import java.util.Locale;

/**
 * The architecture of a CLIP dual encoder (ViT image tower, causal text tower), with the same
 * meaning as the arguments of OpenAI's {@code CLIP} constructor.
 *
 * <p>The image tower has {@link #visionHeads()} = {@code visionWidth / 64} heads (at least one), as
 * in OpenAI's code; the text tower has {@code transformerHeads} heads. Instances validate
 * themselves: every dimension must be positive, widths divisible by their head counts, the image
 * resolution divisible by the patch size.
 *
 * @param embedDim width of the joint embedding space (output of both projections)
 * @param imageResolution input frames are {@code imageResolution x imageResolution} pixels
 * @param visionLayers number of residual attention blocks in the image tower
 * @param visionWidth token width of the image tower
 * @param visionPatchSize side of the square patches, in pixels
 * @param contextLength text context in tokens (77 for OpenAI's models)
 * @param vocabSize token vocabulary size (49408 for CLIP's BPE)
 * @param transformerWidth token width of the text tower
 * @param transformerHeads attention heads of the text tower
 * @param transformerLayers number of residual attention blocks in the text tower
 */
public record ClipConfig(
    int embedDim,
    int imageResolution,
    int visionLayers,
    int visionWidth,
    int visionPatchSize,
    int contextLength,
    int vocabSize,
    int transformerWidth,
    int transformerHeads,
    int transformerLayers) {

  /** Names accepted by {@link #preset(String)}. */
  public static final List<String> PRESETS =
      List.of("tiny", "small", "vit-b-16", "vit-b-32", "vit-l-14");

  /** Validates every field; the message names the bad value. */
  public ClipConfig {
    positive("embedDim", embedDim);
    positive("imageResolution", imageResolution);
    positive("visionLayers", visionLayers);
    positive("visionWidth", visionWidth);
    positive("visionPatchSize", visionPatchSize);
    positive("contextLength", contextLength);
    positive("vocabSize", vocabSize);
    positive("transformerWidth", transformerWidth);
    positive("transformerHeads", transformerHeads);
    positive("transformerLayers", transformerLayers);
    if (imageResolution % visionPatchSize != 0) {
      throw new IllegalArgumentException(
          "image resolution "
              + imageResolution
              + " is not a multiple of the patch size "
              + visionPatchSize);
    }
    if (transformerWidth % transformerHeads != 0) {
      throw new IllegalArgumentException(
          "text width "
              + transformerWidth
              + " is not divisible by the text head count "
              + transformerHeads);
    }
    int visionHeads = Math.max(1, visionWidth / 64);
    if (visionWidth % visionHeads != 0) {
      throw new IllegalArgumentException(
          "vision width " + visionWidth + " is not divisible by its head count " + visionHeads);
    }
  }

  private static void positive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }

  /** Attention heads of the image tower: {@code visionWidth / 64}, at least 1 (OpenAI's rule). */
  public int visionHeads() {
    return Math.max(1, visionWidth / 64);
  }

  /** Patches per side of a frame: {@code imageResolution / visionPatchSize}. */
  public int gridSize() {
    return imageResolution / visionPatchSize;
  }

  /** Tokens per frame in the image tower: patches plus the class token. */
  public int visionTokens() {
    return gridSize() * gridSize() + 1;
  }

  /**
   * Floating-point operations (a multiply-add counts 2) of the image tower for one frame of a clip
   * of {@code frames}: the patch projection, and per block the qkv, output and MLP products ({@code
   * 24 L d²}) and attention ({@code 4 L Lk d}, with {@code Lk = 3L} when frames attend to their
   * neighbours, as {@code ClipForward} does with temporal attention, else {@code L}). Layer norms,
   * softmax and GELU are left out (a few percent).
   */
  public double visionFlopsPerFrame(int frames, boolean temporal) {
    double l = visionTokens();
    double d = visionWidth;
    double lk = temporal && frames > 1 ? 3 * l : l;
    double patches = 2.0 * gridSize() * gridSize() * d * 3 * visionPatchSize * visionPatchSize;
    double block = 24 * l * d * d + 4 * l * lk * d;
    return patches + visionLayers * block + 2 * d * embedDim;
  }

  /** Number of scalars in the image tower, including its projection. */
  public long visionParameterCount() {
    long d = visionWidth;
    long perBlock = 12 * d * d + 13 * d;
    return d // class embedding
        + (long) visionTokens() * d
        + d * embedDim
        + d * 3 * visionPatchSize * visionPatchSize
        + 4 * d // ln_pre, ln_post
        + visionLayers * perBlock;
  }

  /** Number of scalars in the text tower, including its projection. */
  public long textParameterCount() {
    long w = transformerWidth;
    long perBlock = 12 * w * w + 13 * w;
    return (long) contextLength * w
        + w * embedDim
        + (long) vocabSize * w
        + 2 * w
        + transformerLayers * perBlock;
  }

  /** Number of scalars in the whole model: both towers and the logit scale. */
  public long parameterCount() {
    return visionParameterCount() + textParameterCount() + 1;
  }

  /**
   * A named architecture (weights come from the user, except for {@code tiny}, which the project
   * pretrains).
   *
   * <ul>
   *   <li>{@code tiny}: 32x32 frames, patch 8, vision width 128 (2 heads) x 2 layers, text width 64
   *       (4 heads) x 2 layers, embedding 64, context 77: small enough for 2 CPU cores.
   *   <li>{@code small}: 48x48 frames, patch 8 (36 patches against tiny's 16), vision width 192 (3
   *       heads) x 3 layers, and tiny's text tower and embedding: the generalization benchmark's
   *       larger image tower (issue 33), for when tiny cannot see the motion. No bundled weights;
   *       {@code openmede pretrain --preset small} makes them.
   *   <li>{@code vit-b-16}, {@code vit-b-32}, {@code vit-l-14}: OpenAI's released architectures.
   * </ul>
   *
   * @throws IllegalArgumentException for an unknown name, listing the known ones
   */
  public static ClipConfig preset(String name) {
    String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    return switch (key) {
      case "tiny" -> new ClipConfig(64, 32, 2, 128, 8, 77, 49408, 64, 4, 2);
      case "small" -> new ClipConfig(64, 48, 3, 192, 8, 77, 49408, 64, 4, 2);
      case "vit-b-16" -> new ClipConfig(512, 224, 12, 768, 16, 77, 49408, 512, 8, 12);
      case "vit-b-32" -> new ClipConfig(512, 224, 12, 768, 32, 77, 49408, 512, 8, 12);
      case "vit-l-14" -> new ClipConfig(768, 224, 24, 1024, 14, 77, 49408, 768, 12, 12);
      default ->
          throw new IllegalArgumentException(
              "unknown CLIP preset '" + name + "'; known presets: " + String.join(", ", PRESETS));
    };
  }
}
