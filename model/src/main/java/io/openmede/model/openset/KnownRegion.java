package io.openmede.model.openset;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where known actions live in the video embedding space: the unit embeddings of held-out clips of
 * known labels (the references) and the least cosine similarity to the nearest of them that a
 * window must reach to be called known at all. A window outside the region is unknown whatever its
 * label scores say: a score learned from near negatives (empty scenes, unknown actions of the same
 * world) can be confident far from everything it was fitted on, and the nearest known clip is a
 * check that does not depend on what the negatives looked like.
 *
 * <p>Fitted by {@link #fit} for a target share of known clips, cross-fitted: each known clip's
 * similarity is to the references outside its fold, so the threshold keeps the target share of new
 * known clips rather than of the references themselves (each of which is at similarity 1 from
 * itself). Belongs to the model whose embeddings it holds; the trainer sends it in the checkpoint
 * announcement beside the thresholds. Immutable.
 *
 * @param references unit embeddings of known clips, {@code [N][D]}: 1 to {@link #MAX_REFERENCES} of
 *     them, at most {@link #MAX_VALUES} values in all, all finite
 * @param minSimilarity the least cosine to the nearest reference of a known window, in [-1, 1]
 * @param targetRecall the share of held-out known clips the threshold keeps, in (0, 1]
 */
public record KnownRegion(float[][] references, double minSimilarity, double targetRecall) {

  /** Most references a region holds (so an announcement stays small). */
  public static final int MAX_REFERENCES = 1024;

  /** Most values ({@code N·D}) a region holds: 1 MiB of floats. */
  public static final int MAX_VALUES = 262_144;

  public KnownRegion {
    if (references == null || references.length == 0) {
      throw new IllegalArgumentException("known region has no reference embedding");
    }
    if (references.length > MAX_REFERENCES) {
      throw new IllegalArgumentException(
          "known region has "
              + references.length
              + " reference embeddings, more than "
              + MAX_REFERENCES);
    }
    int dim = references[0] == null ? 0 : references[0].length;
    if (dim == 0 || (long) dim * references.length > MAX_VALUES) {
      throw new IllegalArgumentException(
          "known region of "
              + references.length
              + " embeddings of "
              + dim
              + " dimensions: needs 1 to "
              + MAX_VALUES
              + " values");
    }
    float[][] copy = new float[references.length][];
    for (int i = 0; i < references.length; i++) {
      if (references[i] == null || references[i].length != dim) {
        throw new IllegalArgumentException(
            "known region reference "
                + i
                + " has "
                + (references[i] == null ? 0 : references[i].length)
                + " dimensions, not "
                + dim);
      }
      for (float x : references[i]) {
        if (!Float.isFinite(x)) {
          throw new IllegalArgumentException("known region reference " + i + " has " + x);
        }
      }
      copy[i] = references[i].clone();
    }
    references = copy;
    if (!(minSimilarity >= -1 && minSimilarity <= 1)) {
      throw new IllegalArgumentException(
          "known region similarity " + minSimilarity + " is not in [-1, 1]");
    }
    if (!(targetRecall > 0 && targetRecall <= 1)) {
      throw new IllegalArgumentException(
          "known region target recall " + targetRecall + " is not in (0, 1]");
    }
  }

  @Override
  public float[][] references() {
    float[][] copy = new float[references.length][];
    for (int i = 0; i < references.length; i++) {
      copy[i] = references[i].clone();
    }
    return copy;
  }

  /** Dimension D of the embedding space it was fitted in. */
  public int dimension() {
    return references[0].length;
  }

  /**
   * The cosine similarity of a clip to its nearest reference.
   *
   * @param clip the unit video embedding, {@code [D]}
   * @throws IllegalArgumentException when the clip's dimension is not the references' (a model of
   *     another architecture)
   */
  public double similarity(float[] clip) {
    if (clip.length != dimension()) {
      throw new IllegalArgumentException(
          "clip embedding has "
              + clip.length
              + " dimensions, the known region "
              + dimension()
              + "; it was fitted for another model");
    }
    return nearest(clip, references, -1, 1, -1);
  }

  /** Whether a clip is close enough to a known clip to be called known. */
  public boolean contains(float[] clip) {
    return similarity(clip) >= minSimilarity;
  }

  /**
   * Fits a region on held-out known clips.
   *
   * @param known unit embeddings of held-out clips of known labels, at least two
   * @param targetRecall share of known clips the threshold keeps, in (0, 1]
   * @param folds the clips are split in this many folds (by position) and each clip's similarity is
   *     to the clips of the other folds; at least 2
   * @param maxReferences most references kept (evenly spaced among {@code known}); the threshold is
   *     fitted with the references kept, as the region is used
   */
  public static KnownRegion fit(
      List<float[]> known, double targetRecall, int folds, int maxReferences) {
    if (known.size() < 2) {
      throw new IllegalArgumentException(
          "a known region needs at least 2 held-out known clips, got " + known.size());
    }
    if (folds < 2) {
      throw new IllegalArgumentException("known region folds " + folds + " < 2");
    }
    if (maxReferences < 2 || maxReferences > MAX_REFERENCES) {
      throw new IllegalArgumentException(
          "known region max references "
              + maxReferences
              + " is not in [2, "
              + MAX_REFERENCES
              + "]");
    }
    List<float[]> kept = new ArrayList<>();
    int n = Math.min(known.size(), maxReferences);
    for (int i = 0; i < n; i++) {
      kept.add(known.get((int) ((long) i * known.size() / n)));
    }
    float[][] refs = kept.toArray(new float[0][]);
    int k = Math.min(folds, refs.length);
    double[] scores = new double[refs.length];
    for (int i = 0; i < refs.length; i++) {
      scores[i] = nearest(refs[i], refs, i % k, k, i);
    }
    double threshold = OpenSetCalibration.recallThreshold(scores, targetRecall);
    return new KnownRegion(refs, Math.max(-1, Math.min(1, threshold)), targetRecall);
  }

  /**
   * The largest cosine of {@code v} to the references, skipping those of fold {@code skipFold} (of
   * {@code folds}, by position; -1 skips none) and the one at {@code self}.
   */
  private static double nearest(float[] v, float[][] refs, int skipFold, int folds, int self) {
    double best = -1;
    for (int j = 0; j < refs.length; j++) {
      if (j == self || (skipFold >= 0 && j % folds == skipFold)) {
        continue;
      }
      double dot = 0;
      for (int d = 0; d < v.length; d++) {
        dot += (double) v[d] * refs[j][d];
      }
      best = Math.max(best, dot);
    }
    return best;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KnownRegion r
        && Arrays.deepEquals(references, r.references)
        && Double.compare(minSimilarity, r.minSimilarity) == 0
        && Double.compare(targetRecall, r.targetRecall) == 0;
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.deepHashCode(references) + Double.hashCode(minSimilarity))
        + Double.hashCode(targetRecall);
  }

  @Override
  public String toString() {
    return "KnownRegion[references="
        + references.length
        + "x"
        + dimension()
        + ", minSimilarity="
        + minSimilarity
        + ", targetRecall="
        + targetRecall
        + "]";
  }
}
