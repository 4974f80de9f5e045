package io.openmede.trainer.meta;

/**
 * One Open-MeDe task: a support batch and the query batch that follows it in the stream.
 *
 * @param support S, the first of two consecutive batches
 * @param query Q, the batch right after S
 */
public record Task(TrainingBatch support, TrainingBatch query) {

  /** Both batches, support first. */
  public java.util.List<TrainingBatch> batches() {
    return java.util.List.of(support, query);
  }
}
