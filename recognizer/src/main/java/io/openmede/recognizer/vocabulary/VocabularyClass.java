package io.openmede.recognizer.vocabulary;

import java.util.List;
import java.util.Objects;

/**
 * One scored class of the vocabulary.
 *
 * @param label the label shown in recognitions
 * @param prompts prompt templates with {@code {}} for the label; empty means the recognizer's
 *     default templates
 */
public record VocabularyClass(String label, List<String> prompts) {
  public VocabularyClass {
    Objects.requireNonNull(label, "label");
    prompts = List.copyOf(prompts);
  }
}
