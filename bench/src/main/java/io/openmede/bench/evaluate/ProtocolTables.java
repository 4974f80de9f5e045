package io.openmede.bench.evaluate;

import io.openmede.trainer.eval.LabelSpace;
import io.openmede.trainer.eval.MeanStd;
import io.openmede.trainer.eval.VideoEvaluation;
import io.openmede.trainer.eval.VideoResult;
import io.openmede.trainer.eval.VideoScorer;
import io.openmede.trainer.eval.ViewEmbedding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A protocol's label spaces applied to one model's views, and the tables they print: one row per
 * video, then the protocol's summary with one column per model (a checkpoint and its average side
 * by side). Pure.
 */
final class ProtocolTables {

  /**
   * The label spaces of a run.
   *
   * @param all the label map's names (or the list's labels)
   * @param base base labels (base-to-novel)
   * @param novel novel labels (base-to-novel)
   * @param splits target label sets (zero-shot)
   */
  record Spaces(
      LabelSpace all,
      Optional<LabelSpace> base,
      Optional<LabelSpace> novel,
      List<LabelSpace> splits) {
    Spaces {
      splits = List.copyOf(splits);
    }
  }

  /** One label space's evaluation of a model. */
  record Section(String name, VideoEvaluation evaluation) {}

  /** A model's sections and summary figures (fractions). */
  record ModelResult(
      String model, String weights, List<Section> sections, Map<String, Double> summary) {}

  private ProtocolTables() {}

  /**
   * Evaluates one model under {@code protocol}.
   *
   * @param views the list's views
   * @param inContext the in-context list's views (out-of-context only), scored by the same model
   */
  static ModelResult evaluate(
      Protocol protocol, ScoredViews views, Optional<ScoredViews> inContext, Spaces spaces) {
    List<Section> sections = new ArrayList<>();
    Map<String, Double> summary = new LinkedHashMap<>();
    switch (protocol) {
      case ALL -> {
        Section s = section("all", views, spaces.all());
        sections.add(s);
        put(summary, "", s.evaluation());
      }
      case BASE_TO_NOVEL -> {
        Section b = section("base", views, spaces.base().orElseThrow());
        Section n = section("novel", views, spaces.novel().orElseThrow());
        sections.add(b);
        sections.add(n);
        put(summary, "base_", b.evaluation());
        put(summary, "novel_", n.evaluation());
        summary.put(
            "hm", VideoEvaluation.harmonicMean(b.evaluation().top1(), n.evaluation().top1()));
      }
      case ZERO_SHOT -> {
        List<Double> top1 = new ArrayList<>();
        List<Double> top5 = new ArrayList<>();
        for (LabelSpace split : spaces.splits()) {
          Section s = section(split.name(), views, split);
          sections.add(s);
          put(summary, split.name() + "_", s.evaluation());
          top1.add(s.evaluation().top1());
          top5.add(s.evaluation().top5());
        }
        MeanStd m1 = MeanStd.of(top1.stream().mapToDouble(Double::doubleValue).toArray());
        MeanStd m5 = MeanStd.of(top5.stream().mapToDouble(Double::doubleValue).toArray());
        summary.put("top1_mean", m1.mean());
        summary.put("top1_std", m1.std());
        summary.put("top5_mean", m5.mean());
        summary.put("top5_std", m5.std());
      }
      case OUT_OF_CONTEXT -> {
        Section ooc = section("out-of-context", views, spaces.all());
        sections.add(ooc);
        put(summary, "ooc_", ooc.evaluation());
        if (inContext.isPresent()) {
          Section ic = section("in-context", inContext.get(), spaces.all());
          sections.add(ic);
          put(summary, "ic_", ic.evaluation());
          summary.put(
              "hm_ic_ooc",
              VideoEvaluation.harmonicMean(ic.evaluation().top1(), ooc.evaluation().top1()));
        }
      }
      default -> throw new IllegalStateException("protocol " + protocol);
    }
    return new ModelResult(views.model(), views.weights(), sections, summary);
  }

  /** The views whose label is in {@code space}, scored among its labels. */
  private static Section section(String name, ScoredViews views, LabelSpace space) {
    List<ViewEmbedding> in = new ArrayList<>();
    for (ViewEmbedding v : views.views()) {
      if (space.contains(v.label())) {
        in.add(v);
      }
    }
    return new Section(name, VideoScorer.score(in, space, views.classes(), views.logitScale()));
  }

  private static void put(Map<String, Double> summary, String prefix, VideoEvaluation e) {
    summary.put(prefix + "videos", (double) e.videos().size());
    summary.put(prefix + "top1", e.top1());
    summary.put(prefix + "top5", e.top5());
    summary.put(prefix + "mean_class_top1", e.meanClassTop1());
  }

  /** One row per video of every section of every model. */
  static String videoRows(List<ModelResult> models) {
    StringBuilder b = new StringBuilder();
    for (ModelResult m : models) {
      for (Section s : m.sections()) {
        b.append(
            String.format(
                Locale.ROOT,
                "%n%s, %s (%d labels):%n%-40s %-24s %5s  %-24s %6s %5s%n",
                m.model(),
                s.name(),
                s.evaluation().classes(),
                "video",
                "label",
                "views",
                "predicted",
                "p",
                "rank"));
        for (VideoResult v : s.evaluation().videos()) {
          b.append(
              String.format(
                  Locale.ROOT,
                  "%-40s %-24s %5d  %-24s %6.3f %5d%n",
                  clip(v.videoId(), 40),
                  clip(v.label(), 24),
                  v.views(),
                  clip(v.predicted(), 24),
                  v.probabilities().get(0),
                  v.rank() + 1));
        }
      }
    }
    return b.toString();
  }

  /** The summary: one line per figure, one column per model, percent. */
  static String summary(Protocol protocol, List<ModelResult> models) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT, "%n%s summary (percent; videos as counts)%n", protocol.cliName()));
    b.append(String.format(Locale.ROOT, "%-28s", "figure"));
    for (ModelResult m : models) {
      b.append(String.format(Locale.ROOT, " %14s", clip(m.model(), 14)));
    }
    b.append('\n');
    for (String key : models.get(0).summary().keySet()) {
      b.append(String.format(Locale.ROOT, "%-28s", key));
      for (ModelResult m : models) {
        double v = m.summary().getOrDefault(key, Double.NaN);
        b.append(
            key.endsWith("videos")
                ? String.format(Locale.ROOT, " %14.0f", v)
                : String.format(Locale.ROOT, " %14.1f", 100 * v));
      }
      b.append('\n');
    }
    return b.toString();
  }

  private static String clip(String s, int width) {
    return s.length() <= width ? s : "…" + s.substring(s.length() - width + 1);
  }
}
