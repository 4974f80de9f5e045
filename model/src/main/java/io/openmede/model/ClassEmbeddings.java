package io.openmede.model;

import java.util.List;

/**
 * L2-normalised text embeddings of a vocabulary of classes: {@code vectors[i]} belongs to {@code
 * labels.get(i)}.
 *
 * @param labels class names, at least one, in order
 * @param vectors {@code [K][embedDim]} unit vectors, one per label, all of the same length
 */
public record ClassEmbeddings(List<String> labels, float[][] vectors) {

  /** Checks that labels and vectors match in count and that all vectors have one length. */
  public ClassEmbeddings {
    if (labels == null || vectors == null) {
      throw new IllegalArgumentException("labels and vectors must not be null");
    }
    labels = List.copyOf(labels);
    if (labels.isEmpty()) {
      throw new IllegalArgumentException("class embeddings need at least one label");
    }
    if (labels.size() != vectors.length) {
      throw new IllegalArgumentException(
          labels.size() + " labels but " + vectors.length + " vectors");
    }
    int dim = vectors[0].length;
    for (int i = 0; i < vectors.length; i++) {
      if (vectors[i].length != dim) {
        throw new IllegalArgumentException(
            "vector " + i + " has length " + vectors[i].length + ", expected " + dim);
      }
    }
  }

  /** Number of classes K. */
  public int size() {
    return labels.size();
  }

  /** Embedding width. */
  public int dimension() {
    return vectors[0].length;
  }
}
