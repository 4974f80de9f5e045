package io.openmede.trainer.meta;

import io.openmede.model.VideoBatch;
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
}
