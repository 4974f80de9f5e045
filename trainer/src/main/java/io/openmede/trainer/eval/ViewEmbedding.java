package io.openmede.trainer.eval;

import java.util.Objects;

/**
 * The video embedding of one test view (one clip) of a video.
 *
 * @param videoId the video it was cut from
 * @param label the video's class
 * @param embedding unit-length video embedding
 */
public record ViewEmbedding(String videoId, String label, float[] embedding) {
  public ViewEmbedding {
    Objects.requireNonNull(videoId, "videoId");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(embedding, "embedding");
  }
}
