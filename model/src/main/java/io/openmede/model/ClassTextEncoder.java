package io.openmede.model;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Class names to class embeddings: each name is filled into prompt templates ({@code {}} marks the
 * place), every prompt is encoded by the text tower and normalised, and the class embedding is the
 * renormalised mean of those. Results are cached by (label, templates, {@link
 * ClipModel#textTowerHash()}), so a new model with the same text tower reuses them.
 *
 * <p>Usage: {@code new ClassTextEncoder(ClipTokenizer.standard()::encodePadded,
 * ClassTextEncoder.DEFAULT_TEMPLATES).encode(model, labels)}.
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

  private record Key(String label, List<String> templates, String textTowerHash) {}

  private final Tokenizer tokenizer;
  private final List<String> templates;
  private final ConcurrentHashMap<Key, float[]> cache = new ConcurrentHashMap<>();

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

  /**
   * An encoder with CLIP's BPE tokenizer ({@code ClipTokenizer.standard()}) and {@code templates}.
   */
  public static ClassTextEncoder withClipTokenizer(List<String> templates) {
    return new ClassTextEncoder(
        io.openmede.model.text.ClipTokenizer.standard()::encodePadded, templates);
  }

  /** The templates in use. */
  public List<String> templates() {
    return templates;
  }

  /** The prompts for {@code label}: each template with {@code {}} replaced by the label. */
  public List<String> prompts(String label) {
    List<String> out = new ArrayList<>(templates.size());
    for (String t : templates) {
      out.add(t.replace("{}", label));
    }
    return out;
  }

  /** Number of cached class embeddings. */
  public int cacheSize() {
    return cache.size();
  }

  /**
   * Class embeddings of {@code labels} under {@code model}'s text tower: per label, the
   * renormalised mean of the L2-normalised embeddings of its prompts. Cached labels are not encoded
   * again.
   *
   * @param labels class names, at least one
   */
  public ClassEmbeddings encode(ClipModel model, List<String> labels) {
    if (labels.isEmpty()) {
      throw new IllegalArgumentException("at least one class label is needed");
    }
    String hash = model.textTowerHash();
    List<String> missing = new ArrayList<>();
    for (String label : labels) {
      if (!cache.containsKey(new Key(label, templates, hash)) && !missing.contains(label)) {
        missing.add(label);
      }
    }
    if (!missing.isEmpty()) {
      int context = model.config().contextLength();
      int[][] tokens = new int[missing.size() * templates.size()][];
      int row = 0;
      for (String label : missing) {
        for (String prompt : prompts(label)) {
          tokens[row++] = tokenizer.encodePadded(prompt, context);
        }
      }
      float[][] features = model.encodeText(tokens);
      int dim = model.config().embedDim();
      for (int c = 0; c < missing.size(); c++) {
        double[] mean = new double[dim];
        for (int t = 0; t < templates.size(); t++) {
          float[] f = features[c * templates.size() + t];
          double norm = norm(f);
          for (int k = 0; k < dim; k++) {
            mean[k] += f[k] / norm;
          }
        }
        double n = 0;
        for (double x : mean) {
          n += x * x;
        }
        n = Math.sqrt(n);
        float[] unit = new float[dim];
        for (int k = 0; k < dim; k++) {
          unit[k] = (float) (mean[k] / n);
        }
        cache.put(new Key(missing.get(c), templates, hash), unit);
      }
    }
    float[][] vectors = new float[labels.size()][];
    for (int i = 0; i < labels.size(); i++) {
      vectors[i] = cache.get(new Key(labels.get(i), templates, hash)).clone();
    }
    return new ClassEmbeddings(labels, vectors);
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return Math.sqrt(s);
  }
}
