package io.openmede.model.openset;

/**
 * How a window's labels are scored for the open-set question "does anything in the vocabulary
 * happen here?", besides the closed-set softmax that always picks one label. Each kind turns a
 * window's cosines to the vocabulary's class embeddings (and, for {@link #BACKGROUND} and {@link
 * #LEARNED_BACKGROUND}, to the background classes') into one raw score per label, higher meaning
 * more likely that label; a label is recognized when its raw score reaches its calibrated threshold
 * ({@link OpenSetCalibration}), and a window where no label does is unknown ("nothing recognized").
 *
 * <p>The window's open-set score, for ranking windows by how likely anything known happens in them
 * (AUROC, a global threshold), is the largest of its labels' raw scores ({@link #windowScore}).
 * Pure and stateless.
 */
public enum OpenSetScore {
  /**
   * The softmax probability over the vocabulary at the model's logit scale (the closed-set score of
   * today's recognitions): {@code p_l = exp(s·cos_l) / Σ_j exp(s·cos_j)}. Ignores how well the best
   * label fits, only how much better than the others it fits.
   */
  MAX_SOFTMAX,
  /** The cosine itself: {@code cos_l}, in [-1, 1]; the vocabulary's size does not change it. */
  MAX_COSINE,
  /**
   * The free energy {@code E = (1/s)·log Σ_j exp(s·cos_j)} (Liu et al., NeurIPS 2020, in cosine
   * units), shared out by label: {@code cos_l − max_j cos_j + E}. The best label's score is {@code
   * E} itself, which grows with how well the best label fits and with how many labels fit; the
   * others keep their cosine's distance below it.
   */
  ENERGY,
  /**
   * The softmax over the vocabulary plus background classes (prompts such as "an empty scene"), of
   * which only the vocabulary's probabilities are scores: a window that looks more like the
   * background than like any label gives every label a low score.
   */
  BACKGROUND,
  /**
   * The softmax over the vocabulary plus one background class learned from negatives ({@link
   * LearnedBackground}: a direction in the video embedding space and a bias, fitted per checkpoint
   * so that known-action clips keep their label and empty scenes, unknown actions and confirmed
   * false alarms land on it), of which only the vocabulary's probabilities are scores. The caller
   * passes the learned class's value ({@link LearnedBackground#cosine}) as the one background
   * cosine; the arithmetic is then that of {@link #BACKGROUND}.
   */
  LEARNED_BACKGROUND;

  /**
   * The raw score of each label.
   *
   * @param cosines the window's cosine to each label's class embedding, {@code [C]}, C ≥ 1
   * @param background the window's cosine to each background class, {@code [B]}; read by {@link
   *     #BACKGROUND} and {@link #LEARNED_BACKGROUND} only (with none they are {@link #MAX_SOFTMAX})
   * @param logitScale the model's {@code exp(logit_scale)}, positive
   * @return {@code [C]} scores, in the order of {@code cosines}
   */
  public double[] labelScores(double[] cosines, double[] background, double logitScale) {
    if (cosines.length == 0) {
      throw new IllegalArgumentException("no label to score: the vocabulary is empty");
    }
    if (!(logitScale > 0) || !Double.isFinite(logitScale)) {
      throw new IllegalArgumentException("logit scale " + logitScale + " is not a positive number");
    }
    double[] out = new double[cosines.length];
    switch (this) {
      case MAX_COSINE -> System.arraycopy(cosines, 0, out, 0, cosines.length);
      case MAX_SOFTMAX -> softmaxOfFirst(cosines, new double[0], logitScale, out);
      case BACKGROUND, LEARNED_BACKGROUND ->
          softmaxOfFirst(cosines, background == null ? new double[0] : background, logitScale, out);
      case ENERGY -> {
        double max = max(cosines);
        double energy = max + logSumExpShifted(cosines, max, logitScale) / logitScale;
        for (int i = 0; i < cosines.length; i++) {
          out[i] = cosines[i] - max + energy;
        }
      }
    }
    return out;
  }

  /** The window's open-set score: the largest label score. */
  public static double windowScore(double[] labelScores) {
    return max(labelScores);
  }

  /** The setting's spelling of this kind: {@code max-softmax}, {@code energy}, ... */
  public String text() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  /** The kind spelled {@code text} ({@link #text()}). */
  public static OpenSetScore parse(String text) {
    for (OpenSetScore s : values()) {
      if (s.text().equals(text)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown open-set score '"
            + text
            + "'; expected one of max-softmax, max-cosine, energy, background,"
            + " learned-background");
  }

  /** log Σ exp(s·(x − max)), for a numerically safe log-sum-exp. */
  private static double logSumExpShifted(double[] x, double max, double scale) {
    double sum = 0;
    for (double v : x) {
      sum += Math.exp(scale * (v - max));
    }
    return Math.log(sum);
  }

  /** Softmax of {@code first ++ rest} at {@code scale}; the first's probabilities into out. */
  private static void softmaxOfFirst(double[] first, double[] rest, double scale, double[] out) {
    double max = Math.max(max(first), rest.length == 0 ? Double.NEGATIVE_INFINITY : max(rest));
    double sum = 0;
    for (int i = 0; i < first.length; i++) {
      out[i] = Math.exp(scale * (first[i] - max));
      sum += out[i];
    }
    for (double v : rest) {
      sum += Math.exp(scale * (v - max));
    }
    for (int i = 0; i < first.length; i++) {
      out[i] /= sum;
    }
  }

  private static double max(double[] x) {
    double m = Double.NEGATIVE_INFINITY;
    for (double v : x) {
      m = Math.max(m, v);
    }
    return m;
  }
}
