package io.openmede.trainer.eval;

import io.openmede.model.ClassEmbeddings;
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
}
