package io.openmede.recognizer.vocabulary;

import java.util.List;

/**
 * The enabled vocabulary at one moment, sorted by label.
 *
 * @param version the number of vocabulary changes this instance had applied when the snapshot was
 *     taken
 */
public record VocabularySnapshot(long version, List<VocabularyClass> classes) {

  public VocabularySnapshot {
    classes = List.copyOf(classes);
  }

  /** Whether nothing can be scored. */
  public boolean isEmpty() {
    return classes.isEmpty();
  }

  /** The labels in order. */
  public List<String> labels() {
    return classes.stream().map(VocabularyClass::label).toList();
  }
}
