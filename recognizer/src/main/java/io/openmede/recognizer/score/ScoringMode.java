package io.openmede.recognizer.score;

/** Where the scoring processor runs its micro-batches. */
public enum ScoringMode {
  /** On the stream thread, which waits for each batch (deterministic; unit tests). */
  ON_STREAM_THREAD,
  /**
   * Full micro-batches on a scoring thread of the stream thread's own, so that the stream thread
   * reads, windows, buffers and commits the next records meanwhile; the results are forwarded by
   * the stream thread when the batch is done. Partial batches (flushed by time, so input is slow)
   * are still waited for at once.
   */
  PIPELINED
}
