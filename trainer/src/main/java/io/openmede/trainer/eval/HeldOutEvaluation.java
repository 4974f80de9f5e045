package io.openmede.trainer.eval;

import io.openmede.model.ClassEmbeddings;
import io.openmede.model.openset.OpenSetCalibration;
import io.openmede.model.train.ParameterSet;
import io.openmede.trainer.meta.TrainableModel;
import io.openmede.trainer.stream.ClassEmbeddingProvider;
import io.openmede.trainer.stream.DecodedClip;
import io.openmede.trainer.stream.TrainingVocabulary;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * The trainer's online evaluation of its live weights (θ) or of other weights (an average) on
 * held-out clips, by the one {@link Evaluator}: each clip ranked among the training vocabulary and
 * the held-out clips' own labels. Runs on the training loop's thread.
 */
public final class HeldOutEvaluation {

  private final TrainableModel model;
  private final ClassEmbeddingProvider classes;
  private final TrainingVocabulary vocabulary;
  private final int batchSize;

  /**
   * @param batchSize clips embedded at once
   */
  public HeldOutEvaluation(
      TrainableModel model,
      ClassEmbeddingProvider classes,
      TrainingVocabulary vocabulary,
      int batchSize) {
    this.model = model;
    this.classes = classes;
    this.vocabulary = vocabulary;
    this.batchSize = batchSize;
  }

  /** Evaluates θ (empty) or {@code weights} (the live parameters are put back after) on clips. */
  public EvaluationResult evaluate(Optional<ParameterSet> weights, List<DecodedClip> clips)
      throws IOException {
    LinkedHashSet<String> labels = new LinkedHashSet<>(vocabulary.labels());
    clips.forEach(c -> labels.add(c.label()));
    ClassEmbeddings cls = classes.embed(List.copyOf(labels));
    TrainableModel.WithParameters<EvaluationResult> run =
        () ->
            Evaluator.evaluate(
                model::embedVideos,
                clips,
                cls,
                vocabulary.labels(),
                model.logitScale(),
                model.resolution(),
                batchSize);
    return weights.isPresent() ? model.withParameters(weights.get(), run) : run.run();
  }

  /**
   * Fits the open-set thresholds of θ (empty) or {@code weights} for every score kind ({@link
   * OpenSetFitting}) and measures each kind's false alarm rate on the negatives.
   *
   * @param clips held-out clips (positives of the vocabulary's labels, negatives otherwise)
   * @param negatives clips where nothing of the vocabulary happens
   * @return the thresholds and, per kind, its false alarm rate on the negatives (NaN without any)
   */
  public OpenSetFit fitOpenSet(
      Optional<ParameterSet> weights,
      List<DecodedClip> clips,
      List<DecodedClip> negatives,
      OpenSetFitting.Options options)
      throws IOException {
    if (clips.isEmpty() || vocabulary.labels().isEmpty()) {
      return new OpenSetFit(List.of(), List.of(), Optional.empty());
    }
    ClassEmbeddings cls = classes.embed(vocabulary.labels());
    float[][] background =
        options.background().isEmpty()
            ? new float[0][]
            : classes.embed(options.background()).vectors();
    TrainableModel.WithParameters<OpenSetFit> run =
        () -> {
          List<ViewEmbedding> views =
              ViewEmbedder.embed(model::embedVideos, clips, model.resolution(), batchSize);
          List<ViewEmbedding> neg =
              negatives.isEmpty()
                  ? List.of()
                  : ViewEmbedder.embed(
                      model::embedVideos, negatives, model.resolution(), batchSize);
          List<ViewEmbedding> allNegatives = new java.util.ArrayList<>(neg);
          for (ViewEmbedding v : views) {
            if (!cls.labels().contains(v.label())) {
              allNegatives.add(v);
            }
          }
          List<OpenSetCalibration> fitted =
              OpenSetFitting.fit(views, neg, cls, background, model.logitScale(), options);
          List<Double> rates = new java.util.ArrayList<>();
          for (OpenSetCalibration c : fitted) {
            rates.add(
                OpenSetFitting.falseAlarmRate(
                    c, allNegatives, cls, background, model.logitScale()));
          }
          return new OpenSetFit(fitted, rates, OpenSetFitting.fitRegion(views, cls, options));
        };
    return weights.isPresent() ? model.withParameters(weights.get(), run) : run.run();
  }

  /**
   * A checkpoint's open-set thresholds.
   *
   * @param calibrations one per score kind, empty when no held-out clip shows a vocabulary label
   * @param falseAlarmRates per calibration, the share of negatives it would report as recognized
   *     (in-sample: the negatives are those the width was fitted with)
   * @param region where the held-out known clips lie in the embedding space, when asked for
   */
  public record OpenSetFit(
      List<OpenSetCalibration> calibrations,
      List<Double> falseAlarmRates,
      Optional<io.openmede.model.openset.KnownRegion> region) {
    public OpenSetFit {
      calibrations = List.copyOf(calibrations);
      falseAlarmRates = List.copyOf(falseAlarmRates);
      java.util.Objects.requireNonNull(region, "region");
    }
  }

  /**
   * Per video of {@code clips} (sorted by video id): whether {@code weights} rank its label first,
   * among the training vocabulary and the clips' labels, or, {@code zeroShot}, among the clips' own
   * labels only (a guard set of labels not trained on). The live parameters are put back after.
   * Empty for no clips.
   */
  public java.util.SortedMap<String, Boolean> topOneHits(
      ParameterSet weights, List<DecodedClip> clips, boolean zeroShot) throws IOException {
    java.util.SortedMap<String, Boolean> hits = new java.util.TreeMap<>();
    if (clips.isEmpty()) {
      return hits;
    }
    LinkedHashSet<String> labels =
        zeroShot ? new LinkedHashSet<>() : new LinkedHashSet<>(vocabulary.labels());
    clips.forEach(c -> labels.add(c.label()));
    ClassEmbeddings cls = classes.embed(List.copyOf(labels));
    LabelSpace space = new LabelSpace(zeroShot ? "guard" : "all", List.copyOf(labels));
    return model.withParameters(
        weights,
        () -> {
          List<ViewEmbedding> views =
              ViewEmbedder.embed(model::embedVideos, clips, model.resolution(), batchSize);
          for (VideoResult r : VideoScorer.score(views, space, cls, model.logitScale()).videos()) {
            hits.put(r.videoId(), r.rank() == 0);
          }
          return hits;
        });
  }
}
