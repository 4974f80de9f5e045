package io.openmede.recognizer.score;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One label's score for a window.
 *
 * @param label the vocabulary label
 * @param probability softmax over the whole vocabulary at the model's logit scale, in [0, 1]
 * @param cosine raw cosine similarity between the clip and the label's class embedding
 * @param calibrated the label's calibrated open-set score in [0, 1] (at least 0.5: recognized), or
 *     empty when the serving model has no open-set thresholds
 */
public record RankedLabel(
    String label, double probability, double cosine, OptionalDouble calibrated) {

  public RankedLabel {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(calibrated, "calibrated");
  }

  /** A label scored without open-set thresholds. */
  public RankedLabel(String label, double probability, double cosine) {
    this(label, probability, cosine, OptionalDouble.empty());
  }
}
