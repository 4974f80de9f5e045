package io.openmede.model;

/**
 * A batch of video clips for the video learner.
 *
 * <p>{@code pixels} holds {@code [B, T, 3, R, R]} floats in row-major order (batch, frame, RGB
 * channel, row, column), already normalised with CLIP's mean and standard deviation (see {@link
 * ImagePreprocessor}). The array is not copied: do not change it while the model uses it.
 *
 * @param pixels {@code batch * frames * 3 * resolution * resolution} floats
 * @param batch B, number of clips, at least 1
 * @param frames T, frames per clip, at least 1
 * @param resolution R, frame side in pixels
 */
public record VideoBatch(float[] pixels, int batch, int frames, int resolution) {

  /** Validates the sizes against the length of {@code pixels}. */
  public VideoBatch {
    if (pixels == null) {
      throw new IllegalArgumentException("pixels must not be null");
    }
    if (batch < 1 || frames < 1 || resolution < 1) {
      throw new IllegalArgumentException(
          "batch, frames and resolution must be >= 1, got batch "
              + batch
              + ", frames "
              + frames
              + ", resolution "
              + resolution);
    }
    long expected = (long) batch * frames * 3L * resolution * resolution;
    if (pixels.length != expected) {
      throw new IllegalArgumentException(
          "pixels has "
              + pixels.length
              + " floats but [B="
              + batch
              + ", T="
              + frames
              + ", 3, "
              + resolution
              + ", "
              + resolution
              + "] needs "
              + expected);
    }
  }

  /** Floats per frame: {@code 3 * R * R}. */
  public int frameSize() {
    return 3 * resolution * resolution;
  }
}
