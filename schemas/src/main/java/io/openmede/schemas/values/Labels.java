package io.openmede.schemas.values;

import io.openmede.schemas.avro.VocabularyEntry;
import java.util.List;
import java.util.Optional;

/**
 * What a label and its prompt templates must be, judged in one place: by the commands that take a
 * label ({@code openmede vocab}, {@code alert}, {@code feedback}) and the live page before they
 * publish, by every recognizer on each record it reads from {@code openmede.vocabulary} (which
 * other programs write too), by the events service on each rule and by the labeler on each
 * feedback.
 */
public final class Labels {

  /** The longest label, in characters. */
  public static final int MAX_LABEL_LENGTH = 200;

  /** The most prompt templates one entry may carry. */
  public static final int MAX_PROMPTS = 32;

  /** The longest prompt template, in characters. */
  public static final int MAX_PROMPT_LENGTH = 300;

  private Labels() {}

  /**
   * A label as it is published: stripped, inner whitespace runs folded to one space.
   *
   * @throws IllegalArgumentException when it is empty, too long or holds control characters
   */
  public static String clean(String label) {
    String clean = label == null ? "" : label.strip().replaceAll("\\s+", " ");
    labelRefusal(clean)
        .ifPresent(
            r -> {
              throw new IllegalArgumentException(r);
            });
    return clean;
  }

  /**
   * Checks prompt templates before they are published.
   *
   * @throws IllegalArgumentException naming the first template that is refused, and why
   */
  public static void checkPrompts(List<String> prompts) {
    promptsRefusal(prompts)
        .ifPresent(
            r -> {
              throw new IllegalArgumentException(r);
            });
  }

  /**
   * Why a record read from the vocabulary topic is refused, or empty when it is a good entry: a
   * clean label as its key and inside, and good prompt templates.
   *
   * @param key the record key (the label)
   * @param entry the decoded value (not null: a null value is a tombstone)
   */
  public static Optional<String> entryRefusal(String key, VocabularyEntry entry) {
    if (key == null) {
      return Optional.of("the record has no key (the key is the label)");
    }
    Optional<String> label = labelRefusal(key);
    if (label.isPresent()) {
      return label;
    }
    CharSequence inside = entry.getLabel();
    if (inside == null || !key.equals(inside.toString())) {
      return Optional.of(
          "the entry's label "
              + Printable.quote(inside == null ? "null" : inside.toString())
              + " differs from its key "
              + Printable.quote(key));
    }
    List<? extends CharSequence> prompts = entry.getPrompts();
    if (prompts == null) {
      return Optional.of("the entry has no prompt list");
    }
    return promptsRefusal(prompts.stream().map(p -> p == null ? null : p.toString()).toList());
  }

  private static Optional<String> labelRefusal(String label) {
    if (label.isBlank()) {
      return Optional.of("a vocabulary label must not be empty");
    }
    if (label.length() > MAX_LABEL_LENGTH) {
      return Optional.of(
          "vocabulary label is " + label.length() + " characters; at most " + MAX_LABEL_LENGTH);
    }
    if (label.chars().anyMatch(Character::isISOControl)) {
      return Optional.of("vocabulary label contains control characters");
    }
    if (!label.equals(label.strip().replaceAll("\\s+", " "))) {
      return Optional.of(
          "vocabulary label "
              + Printable.quote(label)
              + " has leading, trailing or repeated spaces");
    }
    return Optional.empty();
  }

  private static Optional<String> promptsRefusal(List<String> prompts) {
    if (prompts.size() > MAX_PROMPTS) {
      return Optional.of(
          "the entry has " + prompts.size() + " prompt templates; at most " + MAX_PROMPTS);
    }
    for (String p : prompts) {
      if (p == null) {
        return Optional.of("a prompt template is null");
      }
      if (p.length() > MAX_PROMPT_LENGTH) {
        return Optional.of(
            "a prompt template is " + p.length() + " characters; at most " + MAX_PROMPT_LENGTH);
      }
      if (p.chars().anyMatch(Character::isISOControl)) {
        return Optional.of(
            "prompt template " + Printable.quote(p) + " contains control characters");
      }
      if (!p.contains("{}")) {
        return Optional.of(
            "prompt template "
                + Printable.quote(p)
                + " has no {} where the label goes, e.g. 'a video of a person {}.'");
      }
    }
    return Optional.empty();
  }
}
