package io.openmede.recognizer.score;

import io.openmede.model.openset.OpenSetScore;
import java.util.List;
import java.util.Optional;

/**
 * The result for one window: its top-k labels, best first, or why it could not be scored (for
 * example a JPEG whose body does not decode); a refused window goes to dead letters.
 *
 * @param openSet the score kind that decided {@code unknown} and the labels' calibrated scores;
 *     empty when the model had no thresholds for it (nothing decided, {@code unknown} false)
 * @param unknown whether no label of the vocabulary reached its threshold: nothing recognized
 */
public record WindowScore(
    List<RankedLabel> top,
    Optional<String> refusal,
    Optional<OpenSetScore> openSet,
    boolean unknown) {

  public WindowScore {
    top = List.copyOf(top);
    if (unknown && openSet.isEmpty()) {
      throw new IllegalArgumentException("a window is unknown only under an open-set score");
    }
  }

  /** A scored window, without an open-set decision. */
  public static WindowScore of(List<RankedLabel> top) {
    return new WindowScore(top, Optional.empty(), Optional.empty(), false);
  }

  /** A scored window with the open-set decision of {@code openSet}. */
  public static WindowScore decided(List<RankedLabel> top, OpenSetScore openSet, boolean unknown) {
    return new WindowScore(top, Optional.empty(), Optional.of(openSet), unknown);
  }

  /** A window that could not be scored, with the reason. */
  public static WindowScore refused(String reason) {
    return new WindowScore(List.of(), Optional.of(reason), Optional.empty(), false);
  }
}
