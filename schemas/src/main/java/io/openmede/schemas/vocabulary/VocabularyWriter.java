package io.openmede.schemas.vocabulary;

import io.openmede.schemas.avro.VocabularyEntry;
import io.openmede.schemas.topic.AckedWriter;
import io.openmede.schemas.topic.Topic;
import io.openmede.schemas.values.Labels;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Publishes vocabulary changes (the live page's, the labeler's): an entry to add or change a label,
 * a tombstone to remove it, each judged by {@link Labels} first and acknowledged by the broker
 * before the call returns. Thread-safe.
 */
public final class VocabularyWriter implements AutoCloseable {

  private final AckedWriter<String, VocabularyEntry> writer;

  public VocabularyWriter(
      Map<String, Object> kafkaClientConfig,
      Topic<String, VocabularyEntry> topic,
      String clientId) {
    this.writer = new AckedWriter<>(kafkaClientConfig, topic, clientId);
  }

  /**
   * Adds or replaces a label.
   *
   * @param prompts templates with {@code {}} where the label goes; empty for the default set
   * @throws IllegalArgumentException for a label or prompts that {@link Labels} refuses
   */
  public VocabularyEntry add(String label, List<String> prompts) {
    String clean = Labels.clean(label);
    Labels.checkPrompts(prompts);
    VocabularyEntry e =
        VocabularyEntry.newBuilder()
            .setLabel(clean)
            .setPrompts(List.copyOf(prompts))
            .setEnabled(true)
            .setUpdatedAt(Instant.now())
            .build();
    writer.send(clean, e);
    return e;
  }

  /** Removes a label (a tombstone on the compacted topic); returns the cleaned label. */
  public String remove(String label) {
    String clean = Labels.clean(label);
    writer.send(clean, null);
    return clean;
  }

  @Override
  public void close() {
    writer.close();
  }
}
