package io.openmede.trainer.eval;

import io.openmede.model.ClassEmbeddings;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * The labels a video is ranked among (DESIGN.md §6): base-to-novel ranks base videos among the base
 * labels and novel videos among the novel labels; cross-dataset zero-shot ranks among a target
 * dataset's labels (one K600 split); "all" ranks among every label. Immutable.
 *
 * @param name how reports name it ("base", "novel", "all", "split1", ...)
 * @param labels the labels, in order, without repeats
 */
public record LabelSpace(String name, List<String> labels) {

  public LabelSpace {
    Objects.requireNonNull(name, "name");
    labels = List.copyOf(labels);
    if (labels.isEmpty()) {
      throw new IllegalArgumentException("label space '" + name + "' has no labels");
    }
    if (new LinkedHashSet<>(labels).size() != labels.size()) {
      throw new IllegalArgumentException("label space '" + name + "' repeats a label");
    }
  }

  /** A space of the distinct labels in {@code labels}, in first-seen order. */
  public static LabelSpace distinct(String name, List<String> labels) {
    return new LabelSpace(name, new ArrayList<>(new LinkedHashSet<>(labels)));
  }

  /** Whether {@code label} is one of this space's labels. */
  public boolean contains(String label) {
    return labels.contains(label);
  }

  /**
   * This space's rows of {@code all}, in this space's order.
   *
   * @throws IllegalArgumentException naming the first label {@code all} has no embedding for
   */
  public ClassEmbeddings select(ClassEmbeddings all) {
    float[][] rows = new float[labels.size()][];
    for (int i = 0; i < rows.length; i++) {
      int k = all.labels().indexOf(labels.get(i));
      if (k < 0) {
        throw new IllegalArgumentException(
            "label '" + labels.get(i) + "' of label space '" + name + "' has no class embedding");
      }
      rows[i] = all.vectors()[k];
    }
    return new ClassEmbeddings(labels, rows);
  }
}
