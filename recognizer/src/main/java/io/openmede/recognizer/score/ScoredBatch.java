package io.openmede.recognizer.score;

import java.util.List;

/**
 * The results of one micro-batch, in the order of the windows given.
 *
 * @param modelVersion the version of the model that embedded every window of the batch
 */
public record ScoredBatch(String modelVersion, List<WindowScore> scores) {
  public ScoredBatch {
    scores = List.copyOf(scores);
  }
}
