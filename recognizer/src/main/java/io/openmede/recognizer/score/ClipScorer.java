package io.openmede.recognizer.score;

import io.openmede.recognizer.vocabulary.VocabularySnapshot;
import io.openmede.recognizer.window.ClipWindow;
import java.util.List;

/**
 * Scores clip windows against a vocabulary: the seam between the topology and the model.
 *
 * <p>Contract (see {@code ClipScorerContract} in the tests): one {@link WindowScore} per window in
 * the given order; each scored window has {@code min(topK, vocabulary size)} labels, best first,
 * probabilities in [0, 1] summing to at most 1 and cosines in [-1, 1]; a window that cannot be
 * decoded is refused with a reason while the others are still scored; the whole batch is scored by
 * one model version, named in the result. The vocabulary is never empty (the caller skips empty
 * vocabularies).
 *
 * <p>Scoring has two phases so that they can run on different threads: {@link #prepare} turns the
 * windows into model input (decoding and preprocessing frames: CPU work that the stream thread does
 * while the model runs the previous batch), {@link #score(Prepared, VocabularySnapshot, int)} runs
 * the model and ranks. {@link #score(List, VocabularySnapshot, int)} is the two in one go; a scorer
 * that has nothing to prepare implements only that.
 *
 * <p>Thread-safety: an instance is used by one stream thread and its scoring thread, one batch at a
 * time per phase; implementations that share a model across threads must make that safe themselves.
 */
public interface ClipScorer {

  /** Windows made ready for the model, by {@link #prepare}. */
  interface Prepared {
    /** The windows, in the order of the results. */
    List<ClipWindow> windows();
  }

  /**
   * Makes {@code windows} ready for the model (the default: nothing to do). Problems with single
   * windows are not thrown: {@link #score(Prepared, VocabularySnapshot, int)} refuses those
   * windows.
   */
  default Prepared prepare(List<ClipWindow> windows) {
    List<ClipWindow> copy = List.copyOf(windows);
    return () -> copy;
  }

  /** Scores windows made ready by {@link #prepare} of this scorer. */
  default ScoredBatch score(Prepared batch, VocabularySnapshot vocabulary, int topK) {
    return score(batch.windows(), vocabulary, topK);
  }

  /**
   * Scores {@code windows} against {@code vocabulary}, keeping the {@code topK} best labels.
   *
   * @param topK how many labels to keep, at least 1
   */
  ScoredBatch score(List<ClipWindow> windows, VocabularySnapshot vocabulary, int topK);
}
