package io.openmede.trainer.meta;

import io.openmede.model.ClassEmbeddings;
import io.openmede.model.VideoBatch;

/**
 * One batch of labeled clips with the class text embeddings its loss is taken over.
 *
 * @param videos {@code [B, T, 3, R, R]} normalised clips
 * @param labels {@code [B]} indices into {@code classes}
 * @param classes the training vocabulary's text embeddings
 */
public record TrainingBatch(VideoBatch videos, int[] labels, ClassEmbeddings classes) {

  /** Checks that there is one label per clip and that every label indexes a class. */
  public TrainingBatch {
    if (labels.length != videos.batch()) {
      throw new IllegalArgumentException(
          labels.length + " labels for a batch of " + videos.batch() + " clips");
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= classes.size()) {
        throw new IllegalArgumentException(
            "label " + labels[i] + " of clip " + i + " is not in [0, " + classes.size() + ")");
      }
    }
  }

  /** Number of clips B. */
  public int size() {
    return labels.length;
  }
}
