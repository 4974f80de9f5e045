package io.openmede.trainer.gate;

/**
 * How a candidate checkpoint and the serving model did on the same videos of one clip set.
 *
 * @param set the set's name (base, feedback, guard)
 * @param videos videos judged (each the average of its views)
 * @param candidateCorrect videos the candidate ranks right (top-1)
 * @param servingCorrect videos the serving model ranks right
 * @param candidateOnly videos only the candidate ranks right (McNemar's b)
 * @param servingOnly videos only the serving model ranks right (McNemar's c)
 */
public record PairedOutcome(
    String set,
    int videos,
    int candidateCorrect,
    int servingCorrect,
    int candidateOnly,
    int servingOnly) {

  public PairedOutcome {
    if (videos < 0 || candidateOnly < 0 || servingOnly < 0) {
      throw new IllegalArgumentException("counts must be >= 0 in set " + set);
    }
    if (candidateCorrect - candidateOnly != servingCorrect - servingOnly
        || candidateCorrect > videos
        || servingCorrect > videos
        || candidateOnly > candidateCorrect
        || servingOnly > servingCorrect) {
      throw new IllegalArgumentException(
          "inconsistent paired counts in set "
              + set
              + ": "
              + videos
              + " videos, candidate "
              + candidateCorrect
              + " right ("
              + candidateOnly
              + " alone), serving "
              + servingCorrect
              + " right ("
              + servingOnly
              + " alone)");
    }
  }

  /** From per-video outcomes, aligned: {@code candidate[i]} and {@code serving[i]} are video i. */
  public static PairedOutcome of(String set, boolean[] candidate, boolean[] serving) {
    if (candidate.length != serving.length) {
      throw new IllegalArgumentException(
          "set " + set + ": " + candidate.length + " candidate and " + serving.length + " serving");
    }
    int c = 0;
    int s = 0;
    int b = 0;
    int d = 0;
    for (int i = 0; i < candidate.length; i++) {
      c += candidate[i] ? 1 : 0;
      s += serving[i] ? 1 : 0;
      b += candidate[i] && !serving[i] ? 1 : 0;
      d += serving[i] && !candidate[i] ? 1 : 0;
    }
    return new PairedOutcome(set, candidate.length, c, s, b, d);
  }

  /** The candidate's top-1 (0 with no videos). */
  public double candidateTop1() {
    return videos == 0 ? 0 : (double) candidateCorrect / videos;
  }

  /** The serving model's top-1 (0 with no videos). */
  public double servingTop1() {
    return videos == 0 ? 0 : (double) servingCorrect / videos;
  }

  /**
   * The exact one-sided McNemar p-value that the candidate is worse: with n = b + c discordant
   * videos, P(X ≥ c) for X ~ Binomial(n, ½). 1 when there are no discordant videos.
   */
  public double pWorse() {
    int n = candidateOnly + servingOnly;
    if (n == 0) {
      return 1;
    }
    // log pmf recursively, so that large n does not underflow 2^-n
    double logPmf = -n * Math.log(2);
    double p = 0;
    for (int k = 0; k <= n; k++) {
      if (k >= servingOnly) {
        p += Math.exp(logPmf);
      }
      if (k < n) {
        logPmf += Math.log(n - k) - Math.log(k + 1);
      }
    }
    return Math.min(1, p);
  }
}
