package io.openmede.trainer.gate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gate's rule, a pure function: a candidate checkpoint is held back when, on any clip set
 * (held-out base clips, held-out feedback clips, the zero-shot guard set), it ranks fewer videos
 * right than the serving model by more than {@code margin} (in top-1) <em>and</em> an exact
 * one-sided McNemar test on the same videos says it is worse at level {@code alpha}; or, whatever
 * the test says, when the drop exceeds {@code maxDrop}. Otherwise it is promoted: a new model may
 * not lose, beyond chance and the margin, what the serving one (at first the pretrained model)
 * already recognizes. With no clips to judge on, {@code promoteUnjudged} decides.
 *
 * <p>Why the second condition: on the few videos a held-out set has early on, the paired test lacks
 * power (a shuffled-label candidate at 0.292 against 0.583 on 24 videos has p 0.072), so
 * significance alone lets large losses through. A held-back candidate costs a cycle (the next one
 * is judged again, an operator may promote it); a promoted bad one costs every camera's alerts. The
 * price: a candidate no worse than the serving one is held back by chance when the videos they
 * disagree on split badly enough (README: "Only a better model reaches the cameras").
 *
 * @param margin largest tolerated drop in top-1 (0.02: two points) when the test says worse
 * @param alpha significance level of the paired test
 * @param maxDrop largest drop in top-1 tolerated without any test (0.15); 1 turns the condition off
 * @param promoteUnjudged whether a candidate is promoted when no set has any video
 */
public record PromotionRule(double margin, double alpha, double maxDrop, boolean promoteUnjudged) {

  public PromotionRule {
    if (!(margin >= 0 && margin <= 1)) {
      throw new IllegalArgumentException("gate margin must be within [0, 1], got " + margin);
    }
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("gate alpha must be within (0, 1), got " + alpha);
    }
    if (!(maxDrop >= margin && maxDrop <= 1)) {
      throw new IllegalArgumentException(
          "gate max drop must be within [margin " + margin + ", 1], got " + maxDrop);
    }
  }

  /**
   * The decision.
   *
   * @param promoted whether recognizers may install the candidate
   * @param reason why, in words (names the set, the figures and the settings)
   * @param figures per set: {@code SET.videos}, {@code SET.candidate.top1}, {@code
   *     SET.serving.top1}, {@code SET.candidate-only}, {@code SET.serving-only}, {@code
   *     SET.p-worse}
   */
  public record Verdict(boolean promoted, String reason, Map<String, Double> figures) {
    public Verdict {
      figures = Map.copyOf(figures);
    }
  }

  /** Judges a candidate from its paired outcomes (sets with no videos are ignored). */
  public Verdict decide(List<PairedOutcome> sets) {
    Map<String, Double> figures = new LinkedHashMap<>();
    StringBuilder losses = new StringBuilder();
    StringBuilder judged = new StringBuilder();
    for (PairedOutcome o : sets) {
      if (o.videos() == 0) {
        continue;
      }
      String s = o.set();
      double p = o.pWorse();
      figures.put(s + ".videos", (double) o.videos());
      figures.put(s + ".candidate.top1", o.candidateTop1());
      figures.put(s + ".serving.top1", o.servingTop1());
      figures.put(s + ".candidate-only", (double) o.candidateOnly());
      figures.put(s + ".serving-only", (double) o.servingOnly());
      figures.put(s + ".p-worse", p);
      String line =
          String.format(
              "%s top-1 %.3f vs serving %.3f on %d videos (McNemar p %.3g)",
              s, o.candidateTop1(), o.servingTop1(), o.videos(), p);
      judged.append(judged.isEmpty() ? "" : "; ").append(line);
      double drop = o.servingTop1() - o.candidateTop1();
      if (drop > margin && p < alpha) {
        losses.append(losses.isEmpty() ? "" : "; ").append(line);
      } else if (drop > maxDrop + 1e-9) { // 13/20 − 10/20 is 0.15000000000000002
        losses
            .append(losses.isEmpty() ? "" : "; ")
            .append(line)
            .append(String.format(", a drop of %.3f beyond the max drop %.3f", drop, maxDrop));
      }
    }
    if (figures.isEmpty()) {
      return new Verdict(
          promoteUnjudged,
          "no held-out, feedback or guard clips to compare on; "
              + (promoteUnjudged ? "promoted" : "held back")
              + " (trainer.gate.promote-unjudged="
              + promoteUnjudged
              + ")",
          figures);
    }
    if (!losses.isEmpty()) {
      return new Verdict(
          false,
          String.format(
              "worse than the serving model by more than the margin %.3f (alpha %.3g, max drop"
                  + " %.3f): %s",
              margin, alpha, maxDrop, losses),
          figures);
    }
    return new Verdict(
        true,
        String.format(
            "not worse than the serving model beyond the margin %.3f (alpha %.3g, max drop %.3f):"
                + " %s",
            margin, alpha, maxDrop, judged),
        figures);
  }
}
