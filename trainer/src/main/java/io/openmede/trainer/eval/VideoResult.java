package io.openmede.trainer.eval;

import java.util.List;

/**
 * One video's result in a label space, after its views' scores were averaged.
 *
 * @param videoId the video
 * @param label its class
 * @param views how many views were averaged
 * @param rank 0-based rank of {@code label} among the space's labels (0: top-1 hit)
 * @param top the best labels, best first (at most five)
 * @param probabilities the averaged probabilities of {@code top}, in the same order
 */
public record VideoResult(
    String videoId,
    String label,
    int views,
    int rank,
    List<String> top,
    List<Double> probabilities) {

  public VideoResult {
    top = List.copyOf(top);
    probabilities = List.copyOf(probabilities);
  }

  /** The best label. */
  public String predicted() {
    return top.get(0);
  }
}
