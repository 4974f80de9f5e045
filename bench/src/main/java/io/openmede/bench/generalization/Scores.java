package io.openmede.bench.generalization;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One model's scores on one seed's test sets (fractions in [0, 1]), by name in {@link #NAMES}
 * order. Base sets rank among the base labels, novel sets among the novel labels, the foreign-home
 * and scene-only sets among all labels.
 *
 * @param values every name of {@link #NAMES}
 */
record Scores(Map<String, Double> values) {

  /** Metric names in table and CSV order. */
  static final List<String> NAMES =
      List.of(
          "base_ic", // base actions in context, top-1
          "base_ic_top5",
          "novel_ic", // novel actions in context, top-1
          "novel_ic_top5",
          "hm_b2n", // HM of base_ic and novel_ic
          "base_ooc", // base actions on scenes held out of video training (SCUBA-like, world v3)
          "novel_ooc", // novel actions on scenes held out of video training (SCUBA-like, primary)
          "novel_ooc_top5",
          "base_unseen", // base actions on never-seen scenes (covariate-shift diagnostic)
          "novel_unseen", // novel actions on never-seen scenes (covariate-shift diagnostic)
          "hm_ic_ooc", // HM of in-context (mean of base_ic, novel_ic) and ooc (mean of the two)
          "foreign_home_top1", // actor on another action's home scene: the actor's action
          "foreign_home_scene", // ... how often the prediction is the scene's home action
          "scene_only_home", // actor-less home scenes given their home action (lower is better)
          "scene_only_confident"); // ... given any action with p > confidence (lower is better)

  Scores {
    values = Map.copyOf(values);
    if (!values.keySet().equals(new java.util.HashSet<>(NAMES))) {
      throw new IllegalArgumentException(
          "scores need exactly " + NAMES + ", got " + values.keySet());
    }
  }

  /** Builds the derived figures (the two harmonic means) from the measured ones. */
  static Scores of(Map<String, Double> measured) {
    Map<String, Double> v = new LinkedHashMap<>(measured);
    double bic = v.get("base_ic");
    double nic = v.get("novel_ic");
    v.put("hm_b2n", hm(bic, nic));
    double ic = (bic + nic) / 2;
    double ooc = (v.get("base_ooc") + v.get("novel_ooc")) / 2;
    v.put("hm_ic_ooc", hm(ic, ooc));
    return new Scores(v);
  }

  /** One figure. */
  double get(String name) {
    Double d = values.get(name);
    if (d == null) {
      throw new IllegalArgumentException("no metric " + name + "; known: " + NAMES);
    }
    return d;
  }

  static double hm(double a, double b) {
    return a + b == 0 ? 0 : 2 * a * b / (a + b);
  }
}
