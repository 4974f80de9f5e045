package io.openmede.model.openset;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Thresholds that turn one model's raw open-set scores of one {@link OpenSetScore} kind into
 * decisions and calibrated scores: label {@code l} is recognized in a window when its raw score
 * reaches {@code threshold(l)}, and its calibrated score is {@code σ((raw − threshold(l)) /
 * width)}: 0.5 exactly at the threshold, so a calibrated score of at least 0.5 means "recognized"
 * whatever the kind and the model. A window where no label is recognized is unknown.
 *
 * <p>Fitted by {@link #fit} ({@link ThresholdScope#PER_LABEL}) on held-out clips for a target
 * recall: each label's threshold is the largest raw score that keeps at least that share of its own
 * held-out clips (their score for their own label) at or above it. Labels with fewer than the
 * minimum number of held-out clips, and labels added at runtime that no held-out clip shows, use
 * the <em>fallback</em>: the threshold fitted the same way on all known labels' clips pooled
 * (zero-shot: no clip of the label needed). The width sets how fast the calibrated score moves away
 * from 0.5: the median held-out clip of a known label scores 0.9 under the fallback, or, when
 * negatives (windows where nothing of the vocabulary happens) are given and their median is further
 * below the fallback, the median negative scores 0.1. Fitted by {@link #fitWindow} ({@link
 * ThresholdScope#WINDOW}), there is one threshold for every label, on the window score of all known
 * held-out clips.
 *
 * <p>The thresholds belong to the model they were fitted on: the trainer fits them for each
 * checkpoint and sends them in its announcement, so a swap brings its own. Immutable.
 *
 * @param score the kind of raw score the thresholds apply to
 * @param targetRecall the share of held-out clips of each label the thresholds keep, in (0, 1]
 * @param thresholds per label fitted on its own clips
 * @param fallback the threshold of every other label
 * @param width the calibrated score's scale, positive, in raw score units
 * @param learnedBackground the background class the raw scores were computed with: present exactly
 *     for {@link OpenSetScore#LEARNED_BACKGROUND}, whose thresholds mean nothing without it
 */
public record OpenSetCalibration(
    OpenSetScore score,
    double targetRecall,
    Map<String, Double> thresholds,
    double fallback,
    double width,
    Optional<LearnedBackground> learnedBackground) {

  /** Clips a label needs among the held-out clips for a threshold of its own, by default. */
  public static final int DEFAULT_MIN_CLIPS_PER_LABEL = 5;

  /** A calibrated score at or above this means the label is recognized. */
  public static final double RECOGNIZED = 0.5;

  private static final double LOG_9 = Math.log(9);

  public OpenSetCalibration {
    Objects.requireNonNull(score, "score");
    if (!(targetRecall > 0 && targetRecall <= 1)) {
      throw new IllegalArgumentException("target recall " + targetRecall + " is not in (0, 1]");
    }
    if (!Double.isFinite(fallback)) {
      throw new IllegalArgumentException("fallback threshold " + fallback + " is not finite");
    }
    if (!(width > 0) || !Double.isFinite(width)) {
      throw new IllegalArgumentException("calibration width " + width + " is not positive");
    }
    Objects.requireNonNull(learnedBackground, "learnedBackground");
    if (learnedBackground.isPresent() != (score == OpenSetScore.LEARNED_BACKGROUND)) {
      throw new IllegalArgumentException(
          score == OpenSetScore.LEARNED_BACKGROUND
              ? "thresholds of the learned-background score come without their learned background"
                  + " class"
              : "thresholds of the " + score.text() + " score carry a learned background class");
    }
    thresholds = Map.copyOf(thresholds);
    thresholds.forEach(
        (label, t) -> {
          if (!Double.isFinite(t)) {
            throw new IllegalArgumentException("threshold of '" + label + "' is " + t);
          }
        });
  }

  /** Thresholds of a kind other than {@link OpenSetScore#LEARNED_BACKGROUND}. */
  public OpenSetCalibration(
      OpenSetScore score,
      double targetRecall,
      Map<String, Double> thresholds,
      double fallback,
      double width) {
    this(score, targetRecall, thresholds, fallback, width, Optional.empty());
  }

  /**
   * The background cosines of a clip for this calibration's kind: the learned class's value for
   * {@link OpenSetScore#LEARNED_BACKGROUND}, {@code prompts} (the cosines to the background
   * prompts' class embeddings) otherwise.
   *
   * @param clip the unit video embedding
   */
  public double[] backgroundCosines(float[] clip, double[] prompts, double logitScale) {
    return learnedBackground.isPresent()
        ? new double[] {learnedBackground.get().cosine(clip, logitScale)}
        : prompts;
  }

  /** The threshold of {@code label}: its own, or the fallback. */
  public double threshold(String label) {
    return thresholds.getOrDefault(label, fallback);
  }

  /** Whether {@code label} has no threshold of its own (the zero-shot fallback applies). */
  public boolean usesFallback(String label) {
    return !thresholds.containsKey(label);
  }

  /** The calibrated score of {@code label} at raw score {@code raw}, in [0, 1]. */
  public double calibrated(String label, double raw) {
    return 1 / (1 + Math.exp(-(raw - threshold(label)) / width));
  }

  /** Whether {@code label} is recognized at raw score {@code raw}. */
  public boolean recognized(String label, double raw) {
    return raw >= threshold(label);
  }

  /** Whether a window with these raw scores (in the order of {@code labels}) is unknown. */
  public boolean unknown(List<String> labels, double[] raw) {
    for (int i = 0; i < raw.length; i++) {
      if (recognized(labels.get(i), raw[i])) {
        return false;
      }
    }
    return true;
  }

  /**
   * Fits thresholds for a target recall.
   *
   * @param score the kind of the raw scores
   * @param targetRecall share of each label's held-out clips to keep, in (0, 1]
   * @param positives per known label, the raw scores of its held-out clips for that label; at least
   *     one clip in all
   * @param negatives window scores ({@link OpenSetScore#windowScore}) of held-out clips where
   *     nothing of the vocabulary happens (empty scenes, unknown actions, confirmed false alarms);
   *     may be empty
   * @param minClipsPerLabel clips a label needs for a threshold of its own, at least 1
   */
  public static OpenSetCalibration fit(
      OpenSetScore score,
      double targetRecall,
      Map<String, double[]> positives,
      double[] negatives,
      int minClipsPerLabel) {
    return fit(score, targetRecall, positives, negatives, minClipsPerLabel, Optional.empty());
  }

  /**
   * Fits thresholds for a target recall on raw scores computed with {@code learnedBackground} (the
   * learned-background score; empty for every other kind), which the result carries.
   */
  public static OpenSetCalibration fit(
      OpenSetScore score,
      double targetRecall,
      Map<String, double[]> positives,
      double[] negatives,
      int minClipsPerLabel,
      Optional<LearnedBackground> learnedBackground) {
    if (minClipsPerLabel < 1) {
      throw new IllegalArgumentException(
          "minimum clips per label " + minClipsPerLabel + " is below 1");
    }
    Map<String, Double> own = new LinkedHashMap<>();
    List<Double> pooled = new ArrayList<>();
    positives.forEach(
        (label, values) -> {
          for (double v : values) {
            pooled.add(v);
          }
          if (values.length >= minClipsPerLabel) {
            own.put(label, recallThreshold(values, targetRecall));
          }
        });
    if (pooled.isEmpty()) {
      throw new IllegalArgumentException(
          "no held-out clip of a known label to fit open-set thresholds on");
    }
    double[] all = pooled.stream().mapToDouble(Double::doubleValue).toArray();
    double fallback = recallThreshold(all, targetRecall);
    return new OpenSetCalibration(
        score, targetRecall, own, fallback, width(all, fallback, negatives), learnedBackground);
  }

  /**
   * Fits one threshold for every label on window scores ({@link ThresholdScope#WINDOW}): a window
   * is recognized when its best label's raw score reaches it, whatever the label, so the target
   * recall counts known windows that are recognized at all (under their top label), and a model
   * that confuses two known labels does not lower the threshold for everything. No label has a
   * threshold of its own: the fallback is the threshold.
   *
   * @param score the kind of the raw scores
   * @param targetRecall share of the held-out known clips to keep, in (0, 1]
   * @param known window scores ({@link OpenSetScore#windowScore}) of held-out clips of known
   *     labels, at least one
   * @param negatives window scores of held-out clips where nothing of the vocabulary happens; may
   *     be empty
   * @param learnedBackground the learned class the scores were computed with (learned-background
   *     score only)
   */
  public static OpenSetCalibration fitWindow(
      OpenSetScore score,
      double targetRecall,
      double[] known,
      double[] negatives,
      Optional<LearnedBackground> learnedBackground) {
    if (known.length == 0) {
      throw new IllegalArgumentException(
          "no held-out clip of a known label to fit an open-set threshold on");
    }
    double threshold = recallThreshold(known, targetRecall);
    return new OpenSetCalibration(
        score,
        targetRecall,
        Map.of(),
        threshold,
        width(known, threshold, negatives),
        learnedBackground);
  }

  /**
   * The width: the median known clip scores 0.9, or the median negative 0.1 when that is wider; a
   * steep step when every known clip sits at the threshold.
   */
  private static double width(double[] known, double threshold, double[] negatives) {
    double width = (median(known) - threshold) / LOG_9;
    if (negatives.length > 0) {
      width = Math.max(width, (threshold - median(negatives)) / LOG_9);
    }
    if (!(width > 1e-9)) {
      width = 1e-9 + 1e-6 * Math.abs(threshold); // all positives at the threshold: a steep step
    }
    return width;
  }

  /**
   * The largest threshold that keeps at least {@code recall} of {@code values} at or above it.
   *
   * @param values at least one
   */
  public static double recallThreshold(double[] values, double recall) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no value to fit a threshold on");
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    // keeping sorted[i..n-1] keeps n − i values; the largest i with n − i ≥ recall·n
    int drop = (int) Math.floor((1 - recall) * sorted.length + 1e-9);
    return sorted[Math.min(drop, sorted.length - 1)];
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
