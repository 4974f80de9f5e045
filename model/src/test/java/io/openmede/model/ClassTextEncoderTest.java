package io.openmede.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.openmede.model.text.ClipTokenizer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClassTextEncoderTest {

  private static ClipModel model;
  private static final ClipTokenizer TOKENIZER = ClipTokenizer.standard();

  @BeforeAll
  static void load() throws Exception {
    model = ClipModel.load(Fixtures.path("weights.safetensors"), ComputeDevice.CPU);
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static float[] unit(float[] v) {
    double n = 0;
    for (float x : v) {
      n += x * x;
    }
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] / Math.sqrt(n));
    }
    return out;
  }

  @Test
  void encode_oneTemplate_isTheNormalisedPromptEmbedding() {
    ClassTextEncoder enc =
        new ClassTextEncoder(TOKENIZER::encodePadded, List.of("a video of a person doing {}."));
    ClassEmbeddings e = enc.encode(model, List.of("archery", "band marching"));
    float[][] direct =
        model.encodeText(
            new int[][] {
              TOKENIZER.encodePadded("a video of a person doing archery.", 77),
              TOKENIZER.encodePadded("a video of a person doing band marching.", 77)
            });
    assertThat(e.labels()).containsExactly("archery", "band marching");
    assertThat(e.vectors()[0]).containsExactly(unit(direct[0]), within(1e-6f));
    assertThat(e.vectors()[1]).containsExactly(unit(direct[1]), within(1e-6f));
  }

  @Test
  void encode_twoTemplates_isRenormalisedMeanOfNormalisedPrompts() {
    ClassTextEncoder enc =
        new ClassTextEncoder(TOKENIZER::encodePadded, List.of("a photo of {}.", "{}, an action."));
    float[][] direct =
        model.encodeText(
            new int[][] {
              TOKENIZER.encodePadded("a photo of archery.", 77),
              TOKENIZER.encodePadded("archery, an action.", 77)
            });
    float[] a = unit(direct[0]);
    float[] b = unit(direct[1]);
    float[] mean = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      mean[i] = (a[i] + b[i]) / 2;
    }
    assertThat(enc.encode(model, List.of("archery")).vectors()[0])
        .containsExactly(unit(mean), within(1e-6f));
  }

  @Test
  void encode_sameLabelsAgain_usesTheCache() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    ClassTextEncoder enc =
        new ClassTextEncoder(
            (text, context) -> {
              calls.incrementAndGet();
              return TOKENIZER.encodePadded(text, context);
            },
            ClassTextEncoder.DEFAULT_TEMPLATES);
    ClassEmbeddings first = enc.encode(model, List.of("archery", "baby crawling"));
    int afterFirst = calls.get();
    assertThat(afterFirst).isEqualTo(2 * ClassTextEncoder.DEFAULT_TEMPLATES.size());
    ClassEmbeddings second = enc.encode(model, List.of("baby crawling", "archery", "archery"));
    assertThat(calls.get()).isEqualTo(afterFirst);
    assertThat(second.vectors()[0]).containsExactly(first.vectors()[1]);
    assertThat(enc.cacheSize()).isEqualTo(2);
    try (ClipModel other = ClipModel.random(model.config(), 1, ComputeDevice.CPU)) {
      enc.encode(other, List.of("archery"));
      assertThat(enc.cacheSize()).isEqualTo(3);
    }
  }

  @Test
  void constructor_templateWithoutPlaceholder_isRefused() {
    assertThatThrownBy(() -> new ClassTextEncoder(TOKENIZER::encodePadded, List.of("a video")))
        .hasMessageContaining("'a video' has no {}");
  }
}
