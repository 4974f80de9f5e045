package io.openmede.trainer.stream;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The labels the loss is taken over. Either a configured, fixed list (a clip with any other label
 * is refused) or open: every label seen so far, in order of first appearance, up to a bound (every
 * update embeds all of them). Indices never change once given. Not thread-safe.
 */
public final class TrainingVocabulary {

  private final boolean fixed;
  private final int maxLabels;
  private final List<String> labels = new ArrayList<>();
  private final Map<String, Integer> index = new HashMap<>();

  private TrainingVocabulary(boolean fixed, List<String> initial, int maxLabels) {
    this.fixed = fixed;
    this.maxLabels = maxLabels;
    for (String l : initial) {
      if (!index.containsKey(l)) {
        index.put(l, labels.size());
        labels.add(l);
      }
    }
  }

  /** A fixed vocabulary. */
  public static TrainingVocabulary fixed(List<String> labels) {
    if (labels.isEmpty()) {
      throw new IllegalArgumentException("a fixed training vocabulary needs at least one label");
    }
    return new TrainingVocabulary(true, labels, labels.size());
  }

  /** An open vocabulary starting with {@code initial} (may be empty), of any size. */
  public static TrainingVocabulary open(List<String> initial) {
    return open(initial, Integer.MAX_VALUE);
  }

  /**
   * An open vocabulary starting with {@code initial} (may be empty) that grows to at most {@code
   * maxLabels} labels (a new label beyond it is refused).
   */
  public static TrainingVocabulary open(List<String> initial, int maxLabels) {
    return new TrainingVocabulary(false, initial, maxLabels);
  }

  /**
   * The index of {@code label}, adding it to an open vocabulary that is not full; empty when
   * refused.
   */
  public OptionalInt indexOf(String label) {
    Integer i = index.get(label);
    if (i != null) {
      return OptionalInt.of(i);
    }
    if (fixed || labels.size() >= maxLabels) {
      return OptionalInt.empty();
    }
    index.put(label, labels.size());
    labels.add(label);
    return OptionalInt.of(labels.size() - 1);
  }

  /** The labels, index order. */
  public List<String> labels() {
    return List.copyOf(labels);
  }

  /** Whether the list is fixed. */
  public boolean isFixed() {
    return fixed;
  }

  /** Number of labels. */
  public int size() {
    return labels.size();
  }
}
