package io.openmede.recognizer.score;

import java.util.List;
import java.util.Optional;

/**
 * The result for one window: its top-k labels, best first, or why it could not be scored (for
 * example a JPEG whose body does not decode); a refused window goes to dead letters.
 */
public record WindowScore(List<RankedLabel> top, Optional<String> refusal) {

  public WindowScore {
    top = List.copyOf(top);
  }

  /** A scored window. */
  public static WindowScore of(List<RankedLabel> top) {
    return new WindowScore(top, Optional.empty());
  }

  /** A window that could not be scored, with the reason. */
  public static WindowScore refused(String reason) {
    return new WindowScore(List.of(), Optional.of(reason));
  }
}
