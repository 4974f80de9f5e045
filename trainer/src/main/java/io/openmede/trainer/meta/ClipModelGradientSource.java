package io.openmede.trainer.meta;

import io.openmede.model.ClipModel;
import io.openmede.model.VideoBatch;
import io.openmede.model.train.LossAndGradient;
import io.openmede.model.train.ParameterSet;
import java.io.IOException;
import java.nio.file.Path;

/** {@link GradientSource} over a CLIP video learner: its image tower is θ. */
public final class ClipModelGradientSource implements TrainableModel {

  private final ClipModel model;

  /** Adapts {@code model}; the caller keeps ownership of it. */
  public ClipModelGradientSource(ClipModel model) {
    this.model = model;
  }

  /** The adapted model. */
  public ClipModel model() {
    return model;
  }

  @Override
  public ParameterSet parameters() {
    return model.parameters();
  }

  @Override
  public LossAndGradient lossAndGradient(TrainingBatch batch) {
    return model.lossAndGradient(batch.videos(), batch.labels(), batch.classes());
  }

  @Override
  public LossAndGradient lossAndGradient(ParameterSet at, TrainingBatch batch) {
    return model.lossAndGradient(at, batch.videos(), batch.labels(), batch.classes());
  }

  @Override
  public float[][] embedVideos(VideoBatch batch) {
    return model.embedVideos(batch);
  }

  @Override
  public void saveWeights(Path file) throws IOException {
    model.saveSafetensors(file);
  }

  @Override
  public int resolution() {
    return model.config().imageResolution();
  }

  @Override
  public double logitScale() {
    return model.logitScale();
  }
}
