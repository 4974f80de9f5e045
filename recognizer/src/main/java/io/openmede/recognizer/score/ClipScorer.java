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
 * <p>Thread-safety: an instance is used by one stream thread at a time; implementations that share
 * a model across threads must make that safe themselves.
 */
public interface ClipScorer {

  /**
   * Scores {@code windows} against {@code vocabulary}, keeping the {@code topK} best labels.
   *
   * @param topK how many labels to keep, at least 1
   */
  ScoredBatch score(List<ClipWindow> windows, VocabularySnapshot vocabulary, int topK);
}
