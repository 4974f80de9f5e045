package io.openmede.model;

import java.util.List;

/**
 * Class names to class embeddings: each name is filled into prompt templates ({@code {}} marks the
 * place), every prompt is encoded by the text tower and normalised, and the class embedding is the
 * renormalised mean of those. Results are cached by (label, templates, {@link
 * ClipModel#textTowerHash()}), so a new model with the same text tower reuses them.
 *
 * <p>Thread-safe.
 */
public final class ClassTextEncoder {

  /** Turns a text into {@code context} token ids (start and end tokens, zero padding). */
  @FunctionalInterface
  public interface Tokenizer {
    /** Ids for {@code text}, exactly {@code context} of them, truncated with the end token last. */
    int[] encodePadded(String text, int context);
  }

  /** A single neutral template. */
  public static final List<String> SIMPLE_TEMPLATES = List.of("a video of a person {}.");

  /** The default template set, after the video prompts of ActionCLIP/Open-VCLIP. */
  public static final List<String> DEFAULT_TEMPLATES =
      List.of(
          "a video of a person {}.",
          "a photo of a person {}.",
          "a person is {}.",
          "a video of a person doing {}.",
          "a photo of a person doing {}.",
          "an example of a person {}.",
          "a demonstration of a person doing {}.",
          "a clip of {}.",
          "human action of {}.",
          "{}, an action.");

  private final Tokenizer tokenizer;
  private final List<String> templates;

  /**
   * @param tokenizer CLIP's BPE tokenizer, e.g. {@code ClipTokenizer::encodePadded}
   * @param templates prompt templates, each containing {@code {}}
   */
  public ClassTextEncoder(Tokenizer tokenizer, List<String> templates) {
    this.tokenizer = tokenizer;
    this.templates = List.copyOf(templates);
    if (this.templates.isEmpty()) {
      throw new IllegalArgumentException("at least one prompt template is needed");
    }
    for (String t : this.templates) {
      if (!t.contains("{}")) {
        throw new IllegalArgumentException("template '" + t + "' has no {} for the class name");
      }
    }
  }

  /** The templates in use. */
  public List<String> templates() {
    return templates;
  }

  /** Class embeddings of {@code labels} under {@code model}'s text tower. */
  public ClassEmbeddings encode(ClipModel model, List<String> labels) {
    throw new UnsupportedOperationException("not yet: tokenizer " + tokenizer);
  }
}
