package io.openmede.trainer.meta;

import io.openmede.model.VideoBatch;
import io.openmede.model.train.ParameterSet;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What the trainer needs of a model beyond gradients: video embeddings for evaluation and a
 * complete weights file for checkpoints, both at the current live parameters.
 */
public interface TrainableModel extends GradientSource {

  /** {@code [B][embedDim]} L2-normalised video embeddings at the live parameters. */
  float[][] embedVideos(VideoBatch batch);

  /** Writes the complete model (all towers) at the live parameters as safetensors. */
  void saveWeights(Path file) throws IOException;

  /** Frame side R in pixels. */
  int resolution();

  /** The logit scale (CLIP's learned temperature) at the live parameters. */
  double logitScale();

  /** Something to run while the live parameters hold other values. */
  @FunctionalInterface
  interface WithParameters<T> {
    T run() throws IOException;
  }

  /**
   * Runs {@code action} with the live parameters set to {@code values}, then puts the live values
   * back, also when {@code action} throws.
   */
  default <T> T withParameters(ParameterSet values, WithParameters<T> action) throws IOException {
    ParameterSet live = parameters();
    try (ParameterSet saved = live.copy()) {
      live.setFrom(values);
      try {
        return action.run();
      } finally {
        live.setFrom(saved);
      }
    }
  }
}
