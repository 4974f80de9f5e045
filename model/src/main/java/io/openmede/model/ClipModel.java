package io.openmede.model;

import io.openmede.model.train.LossAndGradient;
import io.openmede.model.train.ParameterSet;
import java.io.IOException;
import java.nio.file.Path;

/**
 * OpenAI's CLIP (ViT image tower, causal text tower, logit scale) with Open-VCLIP's temporal
 * attention, on DJL's PyTorch engine.
 *
 * <p>Lifecycle: obtain with {@link #load} or {@link #random}, close when done (frees native memory;
 * parameter sets and gradients handed out as owned sets are separate and must be closed by their
 * holders). Thread-safety: inference methods may be called from several threads at once as long as
 * nobody changes the parameters meanwhile; training calls and parameter changes must not overlap
 * with anything else.
 */
public final class ClipModel implements AutoCloseable {

  private ClipModel() {}

  /**
   * Loads weights and infers the architecture from their shapes, as OpenAI's {@code build_model}.
   *
   * <p>Formats: safetensors in OpenAI naming ({@code visual.*}, {@code transformer.*}, ...) or
   * Hugging Face naming ({@code vision_model.*}, {@code text_model.*}, ...); F32, F16 and BF16
   * (converted to F32); TorchScript archives ({@code .pt}, e.g. OpenAI's released files). Head
   * counts cannot be read from shapes: they come from the file's metadata ({@code
   * transformer_heads}) when present, else from a {@code config.json} beside the file, else width /
   * 64.
   *
   * @throws IOException when the file cannot be read or is not a CLIP checkpoint
   */
  public static ClipModel load(Path weights, ComputeDevice device) throws IOException {
    throw new UnsupportedOperationException("not yet");
  }

  /** A model with random weights initialised as OpenAI's CLIP does, reproducible by seed. */
  public static ClipModel random(ClipConfig config, long seed, ComputeDevice device) {
    throw new UnsupportedOperationException("not yet");
  }

  /** The architecture. */
  public ClipConfig config() {
    throw new UnsupportedOperationException("not yet");
  }

  /** The device the weights live on. */
  public ComputeDevice device() {
    throw new UnsupportedOperationException("not yet");
  }

  /** {@code exp(logit_scale)}: the factor applied to cosine similarities (100 for OpenAI's). */
  public double logitScale() {
    throw new UnsupportedOperationException("not yet");
  }

  /**
   * Runs the image tower on single frames (no temporal attention).
   *
   * @param pixels {@code [n, 3, R, R]} normalised floats, row-major
   * @param n number of images
   * @return {@code [n][embedDim]} projected, NOT normalised features
   */
  public float[][] encodeImages(float[] pixels, int n) {
    throw new UnsupportedOperationException("not yet");
  }

  /**
   * Runs the text tower.
   *
   * @param tokenIds {@code [n][contextLength]} token ids, zero padded, each with an end token (the
   *     highest id in its row, where pooling happens)
   * @return {@code [n][embedDim]} projected, NOT normalised features
   */
  public float[][] encodeText(int[][] tokenIds) {
    throw new UnsupportedOperationException("not yet");
  }

  /**
   * Video embeddings: the image tower on every frame (with temporal attention when on), projected
   * per frame, averaged over T, L2-normalised.
   *
   * @return {@code [B][embedDim]} unit vectors
   */
  public float[][] embedVideos(VideoBatch batch) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Switches Open-VCLIP's temporal attention on (the default) or off. */
  public void setTemporalAttention(boolean on) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Whether temporal attention is on. */
  public boolean temporalAttention() {
    throw new UnsupportedOperationException("not yet");
  }

  /** Writes all weights as F32 safetensors in OpenAI naming, with the config in the metadata. */
  public void saveSafetensors(Path file) throws IOException {
    throw new UnsupportedOperationException("not yet");
  }

  /** SHA-256 (hex) over the text tower's weights and architecture: a key for text caches. */
  public String textTowerHash() {
    throw new UnsupportedOperationException("not yet");
  }

  /** Total number of scalars in all weights. */
  public long parameterCount() {
    throw new UnsupportedOperationException("not yet");
  }

  /**
   * A LIVE view of the trainable parameters: the image tower including its projection ({@code
   * visual.*}); the text tower and the logit scale are frozen. Changing the view changes the model.
   * Closing it does nothing.
   */
  public ParameterSet parameters() {
    throw new UnsupportedOperationException("not yet");
  }

  /**
   * Cross-entropy of {@code logitScale * cos(video, class)} over the classes, averaged over the
   * batch, and its gradient with respect to {@link #parameters()}, at the current parameters.
   *
   * @param labels {@code [B]} class indices into {@code classes}
   * @return loss, a new owned gradient (close it), and the number of top-1 correct clips
   */
  public LossAndGradient lossAndGradient(VideoBatch batch, int[] labels, ClassEmbeddings classes) {
    throw new UnsupportedOperationException("not yet");
  }

  /**
   * As {@link #lossAndGradient(VideoBatch, int[], ClassEmbeddings)} but evaluated at the parameter
   * values {@code at} (same names and shapes as {@link #parameters()}); the model's own parameters
   * are left unchanged.
   */
  public LossAndGradient lossAndGradient(
      ParameterSet at, VideoBatch batch, int[] labels, ClassEmbeddings classes) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Frees the model's native memory. Idempotent. */
  @Override
  public void close() {}
}
