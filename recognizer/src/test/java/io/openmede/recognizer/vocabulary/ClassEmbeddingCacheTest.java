package io.openmede.recognizer.vocabulary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.openmede.model.ClassEmbeddings;
import io.openmede.model.ClassTextEncoder;
import io.openmede.model.ClipConfig;
import io.openmede.model.ClipModel;
import io.openmede.model.ComputeDevice;
import io.openmede.model.text.ClipTokenizer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache on the real tiny CLIP: keyed by the text tower's weights, not the model version. */
class ClassEmbeddingCacheTest {

  static final VocabularySnapshot VOCABULARY =
      new VocabularySnapshot(
          1,
          List.of(
              new VocabularyClass("clapping", List.of()),
              new VocabularyClass("jumping", List.of("a video of {}.")),
              new VocabularyClass("waving", List.of())));

  @TempDir Path temp;

  @Test
  void aCheckpointWithTheSameTextTower_reusesEveryClassEmbedding_anotherTextTowerRecomputesThem()
      throws Exception {
    ClassEmbeddingCache cache =
        new ClassEmbeddingCache(
            ClipTokenizer.standard()::encodePadded, ClassTextEncoder.SIMPLE_TEMPLATES);
    Path checkpoint = temp.resolve("ckpt.safetensors");
    try (ClipModel serving = ClipModel.random(ClipConfig.preset("tiny"), 7, ComputeDevice.CPU)) {
      ClassEmbeddings before = cache.embeddings(VOCABULARY, serving, "v1");
      assertThat(cache.encodedCount()).isEqualTo(3);

      // as the trainer makes checkpoints: the image tower changed, the text tower frozen
      try (var change = serving.parameters().copy()) {
        serving.parameters().addScaled(change, 0.05);
        serving.saveSafetensors(checkpoint);
      }
      try (ClipModel next = ClipModel.load(checkpoint, ComputeDevice.CPU)) {
        cache.prepare(next, "v2");
        ClassEmbeddings after = cache.embeddings(VOCABULARY, next, "v2");
        assertThat(cache.encodedCount()).as("no text-tower pass for v2").isEqualTo(3);
        assertThat(after.labels()).isEqualTo(before.labels());
        for (int i = 0; i < 3; i++) {
          assertThat(after.vectors()[i]).containsExactly(before.vectors()[i]);
        }
        // and what it reuses is what the new model would compute itself (alone, in a batch of
        // one: the kernels may sum in another order than for three, and MKL picks its thread
        // count by the machine's load, so equal to float rounding, not bit for bit)
        ClassEmbeddings fresh =
            ClassTextEncoder.withClipTokenizer(ClassTextEncoder.SIMPLE_TEMPLATES)
                .encode(next, List.of("clapping"));
        assertThat(after.vectors()[0]).containsExactly(fresh.vectors()[0], within(1e-6f));
      }

      // a model with another text tower computes them again
      try (ClipModel other = ClipModel.random(ClipConfig.preset("tiny"), 8, ComputeDevice.CPU)) {
        cache.prepare(other, "other");
        assertThat(cache.encodedCount()).isEqualTo(6);
        cache.embeddings(VOCABULARY, other, "other");
        assertThat(cache.encodedCount()).isEqualTo(6);
      }
    }
  }

  @Test
  void classesThatLeftTheVocabulary_areDropped_andCounted_soWhatIsKeptFollowsTheVocabulary()
      throws Exception {
    ClassEmbeddingCache cache =
        new ClassEmbeddingCache(
            ClipTokenizer.standard()::encodePadded, ClassTextEncoder.SIMPLE_TEMPLATES);
    try (ClipModel model = ClipModel.random(ClipConfig.preset("tiny"), 7, ComputeDevice.CPU)) {
      cache.embeddings(VOCABULARY, model, "v1");
      assertThat(cache.size()).isEqualTo(3);
      // a writer that changes prompt lists over and over: only the current ones are kept
      for (int v = 2; v < 12; v++) {
        cache.embeddings(
            new VocabularySnapshot(
                v, List.of(new VocabularyClass("jumping", List.of("take " + v + " of {}.")))),
            model,
            "v1");
        assertThat(cache.size()).isEqualTo(1);
      }
      assertThat(cache.evictedCount()).isEqualTo(2 + 10);
      cache.embeddings(VOCABULARY, model, "v1");
      assertThat(cache.size()).isEqualTo(3);
    }
  }
}
