package io.openmede.trainer.eval;

import io.openmede.model.ClassEmbeddings;
import io.openmede.model.VideoBatch;
import io.openmede.trainer.stream.DecodedClip;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * The trainer's online evaluation, on the engine of {@link VideoScorer}: the views of a video
 * (clips with one video id) are averaged; top-1/top-5 rank every video among all labels; clips
 * tagged 'base' are ranked among the base labels only and clips tagged 'novel' among the novel
 * labels only (the paper's base-to-novel protocol), giving base/novel top-1 and their harmonic
 * mean. Stateless.
 */
public final class Evaluator {

  /** The split tag of held-out base clips. */
  public static final String BASE = "base";

  /** The split tag of held-out novel clips. */
  public static final String NOVEL = "novel";

  private Evaluator() {}

  /**
   * Evaluates.
   *
   * @param embed video embeddings {@code [B][D]}, unit length
   * @param clips held-out clips (their label must be in {@code classes})
   * @param classes class text embeddings of every label
   * @param baseLabels the base label space besides the labels of 'base' clips (the training
   *     vocabulary)
   * @param logitScale the model's logit scale
   * @param resolution frame side R
   * @param batchSize clips per forward pass
   */
  public static EvaluationResult evaluate(
      Function<VideoBatch, float[][]> embed,
      List<DecodedClip> clips,
      ClassEmbeddings classes,
      List<String> baseLabels,
      double logitScale,
      int resolution,
      int batchSize) {
    if (clips.isEmpty()) {
      return new EvaluationResult(
          0, 0, 0, 0, OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty());
    }
    List<ViewEmbedding> views = ViewEmbedder.embed(embed, clips, resolution, batchSize);
    VideoEvaluation all =
        VideoScorer.score(views, new LabelSpace("all", classes.labels()), classes, logitScale);
    List<ViewEmbedding> base = new ArrayList<>();
    List<ViewEmbedding> novel = new ArrayList<>();
    for (int i = 0; i < clips.size(); i++) {
      String split = clips.get(i).split();
      if (BASE.equals(split)) {
        base.add(views.get(i));
      } else if (NOVEL.equals(split)) {
        novel.add(views.get(i));
      }
    }
    OptionalDouble b = OptionalDouble.empty();
    if (!base.isEmpty()) {
      LinkedHashSet<String> labels = new LinkedHashSet<>(baseLabels);
      base.forEach(v -> labels.add(v.label()));
      LabelSpace space = new LabelSpace(BASE, List.copyOf(labels));
      b = OptionalDouble.of(VideoScorer.score(base, space, classes, logitScale).top1());
    }
    OptionalDouble n = OptionalDouble.empty();
    if (!novel.isEmpty()) {
      LabelSpace space =
          LabelSpace.distinct(NOVEL, novel.stream().map(ViewEmbedding::label).toList());
      n = OptionalDouble.of(VideoScorer.score(novel, space, classes, logitScale).top1());
    }
    OptionalDouble hm = OptionalDouble.empty();
    if (b.isPresent() && n.isPresent()) {
      hm = OptionalDouble.of(VideoEvaluation.harmonicMean(b.getAsDouble(), n.getAsDouble()));
    }
    return new EvaluationResult(
        clips.size(), all.videos().size(), all.top1(), all.top5(), b, n, hm);
  }
}
