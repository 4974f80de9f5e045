package io.openmede.recognizer.score;

/**
 * One label's score for a window.
 *
 * @param label the vocabulary label
 * @param probability softmax over the whole vocabulary at the model's logit scale, in [0, 1]
 * @param cosine raw cosine similarity between the clip and the label's class embedding
 */
public record RankedLabel(String label, double probability, double cosine) {}
