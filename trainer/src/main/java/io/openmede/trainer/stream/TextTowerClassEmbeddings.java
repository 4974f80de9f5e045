package io.openmede.trainer.stream;

import io.openmede.model.ClassEmbeddings;
import io.openmede.model.ClassTextEncoder;
import io.openmede.model.ClipModel;
import io.openmede.model.text.ClipTokenizer;
import java.util.List;

/**
 * {@link ClassEmbeddingProvider} over the model's frozen text tower and prompt templates; the
 * encoder caches per (label, templates, text-tower hash), and the last vocabulary is kept.
 */
public final class TextTowerClassEmbeddings implements ClassEmbeddingProvider {

  private final ClipModel model;
  private final ClassTextEncoder encoder;
  private List<String> lastLabels = List.of();
  private ClassEmbeddings last;

  /** Embeds with the default video prompt templates. */
  public TextTowerClassEmbeddings(ClipModel model) {
    this.model = model;
    this.encoder =
        new ClassTextEncoder(
            ClipTokenizer.standard()::encodePadded, ClassTextEncoder.DEFAULT_TEMPLATES);
  }

  @Override
  public synchronized ClassEmbeddings embed(List<String> labels) {
    if (last == null || !labels.equals(lastLabels)) {
      last = encoder.encode(model, labels);
      lastLabels = List.copyOf(labels);
    }
    return last;
  }
}
