package io.openmede.trainer.stream;

import java.util.Objects;

/**
 * A validated clip ready for the model.
 *
 * @param clipId the record's clip id
 * @param label the action name
 * @param labelIndex index of {@code label} in the training vocabulary
 * @param split split tag ('train' or a held-out tag)
 * @param pixels {@code [T, 3, R, R]} normalised floats
 * @param frames T
 * @param videoId the video the clip is a view of; evaluation averages the scores of a video's views
 */
public record DecodedClip(
    String clipId,
    String label,
    int labelIndex,
    String split,
    float[] pixels,
    int frames,
    String videoId) {

  public DecodedClip {
    Objects.requireNonNull(clipId, "clipId");
    Objects.requireNonNull(videoId, "videoId");
  }

  /** A clip that is a video of its own (its video id is its clip id). */
  public DecodedClip(
      String clipId, String label, int labelIndex, String split, float[] pixels, int frames) {
    this(clipId, label, labelIndex, split, pixels, frames, clipId);
  }
}
