package io.openmede.recognizer.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.openmede.model.ClassEmbeddings;
import io.openmede.model.ClassTextEncoder;
import io.openmede.model.ClipConfig;
import io.openmede.model.ClipModel;
import io.openmede.model.ComputeDevice;
import io.openmede.model.ImagePreprocessor;
import io.openmede.model.VideoBatch;
import io.openmede.model.openset.OpenSetCalibration;
import io.openmede.model.openset.OpenSetScore;
import io.openmede.model.text.ClipTokenizer;
import io.openmede.recognizer.swap.ModelSlot;
import io.openmede.recognizer.testing.Frames;
import io.openmede.recognizer.vocabulary.ClassEmbeddingCache;
import io.openmede.recognizer.vocabulary.VocabularyClass;
import io.openmede.recognizer.vocabulary.VocabularySnapshot;
import io.openmede.recognizer.window.ClipWindow;
import io.openmede.schemas.avro.FrameEncoding;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real adapter on the tiny CLIP (random weights, CPU). */
class ModelClipScorerTest extends ClipScorerContract {

  static final ClipTokenizer TOKENIZER = ClipTokenizer.standard();
  static ModelSlot<ClipModel> slot;
  static ClassEmbeddingCache cache;
  static ModelClipScorer scorer;

  @BeforeAll
  static void load() {
    slot =
        new ModelSlot<>(
            ClipModel.random(ClipConfig.preset("tiny"), 7, ComputeDevice.CPU), "tiny-seed-7");
    cache = new ClassEmbeddingCache(TOKENIZER::encodePadded, ClassTextEncoder.SIMPLE_TEMPLATES);
    scorer = new ModelClipScorer(slot, cache);
  }

  @AfterAll
  static void close() {
    slot.close();
  }

  @Override
  protected ClipScorer scorer() {
    return scorer;
  }

  @Override
  protected String servedVersion() {
    return slot.version();
  }

  @Test
  void score_equalsTheBareModelsCosinesAndSoftmax() {
    ClipWindow w = window("a", 5, FrameEncoding.RGB);
    List<RankedLabel> top = scorer.score(List.of(w), VOCABULARY, 3).scores().get(0).top();

    // the reference: the model's own calls, by hand
    try (ModelSlot.Lease<ClipModel> lease = slot.acquire()) {
      ClipModel m = lease.model();
      int r = m.config().imageResolution();
      ImagePreprocessor pre = new ImagePreprocessor(r);
      float[] pixels = new float[frames() * 3 * r * r];
      for (int t = 0; t < frames(); t++) {
        pre.applyInto(Frames.rgb(5 + t), Frames.SIZE, Frames.SIZE, pixels, t * 3 * r * r);
      }
      float[] video = m.embedVideos(new VideoBatch(pixels, 1, frames(), r))[0];
      List<Double> cosines = new ArrayList<>();
      List<String> labels = new ArrayList<>();
      for (VocabularyClass c : VOCABULARY.classes()) {
        List<String> templates =
            c.prompts().isEmpty() ? ClassTextEncoder.SIMPLE_TEMPLATES : c.prompts();
        ClassEmbeddings e =
            new ClassTextEncoder(TOKENIZER::encodePadded, templates).encode(m, List.of(c.label()));
        double dot = 0;
        for (int d = 0; d < video.length; d++) {
          dot += (double) video[d] * e.vectors()[0][d];
        }
        cosines.add(dot);
        labels.add(c.label());
      }
      double scale = m.logitScale();
      double max = cosines.stream().mapToDouble(x -> x * scale).max().orElseThrow();
      double sum = cosines.stream().mapToDouble(x -> Math.exp(x * scale - max)).sum();
      for (RankedLabel ranked : top) {
        int i = labels.indexOf(ranked.label());
        assertThat(ranked.cosine()).isCloseTo(cosines.get(i), within(1e-5));
        assertThat(ranked.probability())
            .isCloseTo(Math.exp(cosines.get(i) * scale - max) / sum, within(1e-5));
      }
    }
  }

  @Test
  void classEmbeddings_computedOncePerEntryAndModelVersion() {
    ClassEmbeddingCache own =
        new ClassEmbeddingCache(TOKENIZER::encodePadded, ClassTextEncoder.SIMPLE_TEMPLATES);
    try (ModelSlot<ClipModel> s =
        new ModelSlot<>(ClipModel.random(ClipConfig.preset("tiny"), 7, ComputeDevice.CPU), "a")) {
      ModelClipScorer sc = new ModelClipScorer(s, own);
      List<ClipWindow> ws = List.of(window("a", 0, FrameEncoding.RGB));
      sc.score(ws, VOCABULARY, 1);
      sc.score(ws, VOCABULARY, 1);
      sc.score(ws, VOCABULARY, 1);
      assertThat(own.encodedCount()).isEqualTo(3);
      List<VocabularyClass> more = new ArrayList<>(VOCABULARY.classes());
      more.add(new VocabularyClass("zooming", List.of()));
      sc.score(ws, new VocabularySnapshot(4, more), 1);
      assertThat(own.encodedCount()).isEqualTo(4);
      ClipModel next = ClipModel.random(ClipConfig.preset("tiny"), 8, ComputeDevice.CPU);
      own.prepare(next, "b"); // as the checkpoint installer does before swapping
      assertThat(own.encodedCount()).isEqualTo(8);
      s.swap(next, "b");
      sc.score(ws, new VocabularySnapshot(4, more), 1);
      assertThat(own.encodedCount()).isEqualTo(8);
    }
  }

  @Test
  void thresholdsOfTheLeasedVersion_decide_andASwapBringsItsOwn() {
    ClassEmbeddingCache own =
        new ClassEmbeddingCache(TOKENIZER::encodePadded, ClassTextEncoder.SIMPLE_TEMPLATES);
    ClassEmbeddingCache background =
        new ClassEmbeddingCache(TOKENIZER::encodePadded, ClassTextEncoder.SIMPLE_TEMPLATES);
    OpenSetThresholdBook book = new OpenSetThresholdBook(OpenSetScore.MAX_COSINE);
    // "a": nothing can reach a cosine of 2; "b": everything passes a cosine of -2
    book.put("a", entry(2.0));
    book.put("b", entry(-2.0));
    try (ModelSlot<ClipModel> s =
        new ModelSlot<>(ClipModel.random(ClipConfig.preset("tiny"), 7, ComputeDevice.CPU), "a")) {
      ModelClipScorer sc = new ModelClipScorer(s, own, Optional.of(book), background);
      List<ClipWindow> ws = List.of(window("a", 0, FrameEncoding.RGB));
      WindowScore before = sc.score(ws, VOCABULARY, 2).scores().get(0);
      assertThat(before.openSet()).contains(OpenSetScore.MAX_COSINE);
      assertThat(before.unknown()).isTrue();
      assertThat(before.top())
          .allSatisfy(l -> assertThat(l.calibrated().getAsDouble()).isLessThan(0.5));

      s.swap(ClipModel.random(ClipConfig.preset("tiny"), 8, ComputeDevice.CPU), "b");
      WindowScore after = sc.score(ws, VOCABULARY, 2).scores().get(0);
      assertThat(after.unknown()).isFalse();
      assertThat(after.top())
          .allSatisfy(l -> assertThat(l.calibrated().getAsDouble()).isGreaterThan(0.5));

      s.swap(ClipModel.random(ClipConfig.preset("tiny"), 9, ComputeDevice.CPU), "c");
      WindowScore none = sc.score(ws, VOCABULARY, 2).scores().get(0);
      assertThat(none.openSet()).isEmpty(); // "c" brought no thresholds: nothing decided
      assertThat(none.unknown()).isFalse();
      assertThat(none.top()).allSatisfy(l -> assertThat(l.calibrated()).isEmpty());
    }
  }

  @Test
  void backgroundScore_embedsTheBackgroundClassesOfTheThresholds() {
    ClassEmbeddingCache own =
        new ClassEmbeddingCache(TOKENIZER::encodePadded, ClassTextEncoder.SIMPLE_TEMPLATES);
    ClassEmbeddingCache background =
        new ClassEmbeddingCache(TOKENIZER::encodePadded, ClassTextEncoder.SIMPLE_TEMPLATES);
    OpenSetThresholdBook book = new OpenSetThresholdBook(OpenSetScore.BACKGROUND);
    book.put(
        "a",
        new OpenSetThresholdBook.Entry(
            new OpenSetCalibration(OpenSetScore.BACKGROUND, 0.9, Map.of(), 0.01, 0.1),
            List.of("an empty scene", "standing still")));
    try (ModelSlot<ClipModel> s =
        new ModelSlot<>(ClipModel.random(ClipConfig.preset("tiny"), 7, ComputeDevice.CPU), "a")) {
      ModelClipScorer sc = new ModelClipScorer(s, own, Optional.of(book), background);
      WindowScore w =
          sc.score(List.of(window("a", 0, FrameEncoding.RGB)), VOCABULARY, 3).scores().get(0);
      assertThat(background.encodedCount()).isEqualTo(2);
      double probabilities = w.top().stream().mapToDouble(RankedLabel::probability).sum();
      assertThat(probabilities).isCloseTo(1.0, within(1e-9)); // the closed-set softmax stays
      assertThat(w.openSet()).contains(OpenSetScore.BACKGROUND);
    }
  }

  private static OpenSetThresholdBook.Entry entry(double fallback) {
    return new OpenSetThresholdBook.Entry(
        new OpenSetCalibration(OpenSetScore.MAX_COSINE, 0.9, Map.of(), fallback, 0.05), List.of());
  }
}
