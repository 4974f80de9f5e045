package io.openmede.trainer.stream;

import io.openmede.model.ClassEmbeddings;
import java.util.List;

/**
 * Text embeddings of class names from the frozen text tower. Implementations cache them (the text
 * tower never changes during training).
 */
@FunctionalInterface
public interface ClassEmbeddingProvider {

  /** Embeddings of {@code labels}, in that order. */
  ClassEmbeddings embed(List<String> labels);
}
