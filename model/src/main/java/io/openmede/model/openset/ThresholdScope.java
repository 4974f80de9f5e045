package io.openmede.model.openset;

import java.util.Locale;

/**
 * What a checkpoint's open-set thresholds are fitted on ({@link OpenSetCalibration}).
 *
 * <p>{@link #PER_LABEL} fits each label's threshold on its held-out clips' score <em>for that
 * label</em>: a clip the model confuses with another label scores low for its own, so with a model
 * that is often wrong the thresholds sink until almost every window passes one of them (on
 * validation draws of the world, seeds 5001 and 5002, fitted on one and measured on the other,
 * fine-tuned tiny CLIP, learned background: 81 % of in-context known clips kept, but 70 % of empty
 * scenes and 87 % of unknown actions pass too). {@link #WINDOW} fits one threshold on the held-out
 * clips' <em>window score</em> (their best label's score, {@link OpenSetScore#windowScore}), the
 * question "does anything of the vocabulary happen here" that the false alarm rate at 90 % recall
 * measures (same draws: 85 % kept in and out of context, 29 % of empty scenes and 57 % of unknown
 * actions pass).
 */
public enum ThresholdScope {
  /** One threshold per label with enough held-out clips, on its own clips' score for it. */
  PER_LABEL,
  /** One threshold for every label, on the window score of all held-out known clips. */
  WINDOW;

  /** The setting's spelling: {@code per-label} or {@code window}. */
  public String text() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The scope spelled {@code text} ({@link #text()}). */
  public static ThresholdScope parse(String text) {
    for (ThresholdScope s : values()) {
      if (s.text().equals(text)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown open-set threshold scope '" + text + "'; expected per-label or window");
  }
}
