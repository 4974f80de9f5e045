package io.openmede.model.train;

/**
 * The result of one forward and backward pass.
 *
 * @param loss mean cross-entropy over the batch
 * @param gradient owned gradient of {@code loss} with respect to the trainable parameters (same
 *     names and shapes as {@code ClipModel.parameters()}); closed by {@link #close()}
 * @param correct number of clips whose highest-scoring class is their label
 */
public record LossAndGradient(double loss, ParameterSet gradient, int correct)
    implements AutoCloseable {

  /** Frees the gradient. */
  @Override
  public void close() {
    gradient.close();
  }
}
