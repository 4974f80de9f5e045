package io.openmede.recognizer.score;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.recognizer.testing.Frames;
import io.openmede.recognizer.vocabulary.VocabularyClass;
import io.openmede.recognizer.vocabulary.VocabularySnapshot;
import io.openmede.recognizer.window.ClipWindow;
import io.openmede.recognizer.window.WindowFrame;
import io.openmede.schemas.avro.FrameEncoding;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@link ClipScorer} contract: every implementation's test extends this. */
public abstract class ClipScorerContract {

  /** The scorer under test, serving {@link #servedVersion()}. */
  protected abstract ClipScorer scorer();

  /** The model version the scorer serves. */
  protected abstract String servedVersion();

  /** Frames per window the scorer expects. */
  protected int frames() {
    return 4;
  }

  protected static final VocabularySnapshot VOCABULARY =
      new VocabularySnapshot(
          3,
          List.of(
              new VocabularyClass("clapping", List.of()),
              new VocabularyClass("jumping", List.of("a video of {}.")),
              new VocabularyClass("waving", List.of())));

  protected ClipWindow window(String stream, long first, FrameEncoding encoding) {
    List<WindowFrame> frames = new ArrayList<>();
    for (long s = first; s < first + frames(); s++) {
      byte[] data = encoding == FrameEncoding.RGB ? Frames.rgb(s) : Frames.jpeg(s);
      frames.add(
          new WindowFrame(s, Frames.captureTime(s), encoding, Frames.SIZE, Frames.SIZE, data));
    }
    return new ClipWindow(
        stream,
        first,
        first + frames() - 1,
        Frames.captureTime(first),
        Frames.captureTime(first + frames() - 1),
        0,
        frames);
  }

  @Test
  void score_returnsOneResultPerWindowInOrderFromOneModelVersion() {
    List<ClipWindow> windows =
        List.of(
            window("a", 0, FrameEncoding.RGB),
            window("b", 100, FrameEncoding.JPEG),
            window("c", 7, FrameEncoding.RGB));
    ScoredBatch batch = scorer().score(windows, VOCABULARY, 2);
    assertThat(batch.modelVersion()).isEqualTo(servedVersion());
    assertThat(batch.scores()).hasSize(3);
    assertThat(batch.scores()).allSatisfy(s -> assertThat(s.refusal()).isEmpty());
  }

  @Test
  void score_keepsTopKBestFirstWithValidProbabilitiesAndCosines() {
    ScoredBatch batch = scorer().score(List.of(window("a", 0, FrameEncoding.RGB)), VOCABULARY, 2);
    List<RankedLabel> top = batch.scores().get(0).top();
    assertThat(top).hasSize(2);
    assertThat(top.get(0).cosine()).isGreaterThanOrEqualTo(top.get(1).cosine());
    assertThat(top.get(0).probability()).isGreaterThanOrEqualTo(top.get(1).probability());
    assertThat(top).allSatisfy(r -> assertThat(r.probability()).isBetween(0.0, 1.0));
    assertThat(top).allSatisfy(r -> assertThat(r.cosine()).isBetween(-1.0 - 1e-6, 1.0 + 1e-6));
    assertThat(top.stream().mapToDouble(RankedLabel::probability).sum()).isLessThanOrEqualTo(1.0);
    assertThat(VOCABULARY.labels()).containsAll(top.stream().map(RankedLabel::label).toList());
  }

  @Test
  void score_topKBeyondVocabulary_returnsEveryLabelWithProbabilitiesSummingToOne() {
    List<RankedLabel> top =
        scorer()
            .score(List.of(window("a", 0, FrameEncoding.RGB)), VOCABULARY, 10)
            .scores()
            .get(0)
            .top();
    assertThat(top).extracting(RankedLabel::label).hasSameElementsAs(VOCABULARY.labels());
    assertThat(top.stream().mapToDouble(RankedLabel::probability).sum())
        .isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-6));
  }

  @Test
  void score_undecodableWindow_isRefusedWhileTheOthersAreScored() {
    ClipWindow good = window("a", 0, FrameEncoding.JPEG);
    ClipWindow bad = withGarbledFrame(window("b", 0, FrameEncoding.JPEG), 1);
    ScoredBatch batch = scorer().score(List.of(bad, good), VOCABULARY, 1);
    assertThat(batch.scores().get(0).refusal())
        .hasValueSatisfying(r -> assertThat(r).contains("1"));
    assertThat(batch.scores().get(1).top()).hasSize(1);
  }

  @Test
  void score_sameClipTwice_sameScores() {
    ScoredBatch batch =
        scorer()
            .score(
                List.of(window("a", 3, FrameEncoding.RGB), window("b", 3, FrameEncoding.RGB)),
                VOCABULARY,
                3);
    assertThat(batch.scores().get(0).top()).isEqualTo(batch.scores().get(1).top());
  }

  @Test
  void prepareThenScore_givesWhatScoringInOneGoGives_refusalsIncluded() {
    ClipWindow good = window("a", 2, FrameEncoding.JPEG);
    ClipWindow bad = withGarbledFrame(window("b", 0, FrameEncoding.JPEG), 0);
    List<ClipWindow> windows = List.of(good, bad, window("c", 9, FrameEncoding.RGB));

    ClipScorer.Prepared prepared = scorer().prepare(windows);
    assertThat(prepared.windows()).isEqualTo(windows);
    ScoredBatch twoPhases = scorer().score(prepared, VOCABULARY, 3);
    ScoredBatch oneGo = scorer().score(windows, VOCABULARY, 3);

    assertThat(twoPhases.modelVersion()).isEqualTo(oneGo.modelVersion());
    assertThat(twoPhases.scores()).isEqualTo(oneGo.scores());
    assertThat(twoPhases.scores().get(1).refusal()).isPresent();
    assertThat(twoPhases.scores().get(0).top()).hasSize(3);
  }

  /** {@code w} with frame {@code index} replaced by bytes that are no JPEG. */
  private ClipWindow withGarbledFrame(ClipWindow w, int index) {
    List<WindowFrame> frames = new ArrayList<>(w.frames());
    WindowFrame f = frames.get(index);
    frames.set(
        index,
        new WindowFrame(
            f.sequence(), f.captureTimeMs(), f.encoding(), f.width(), f.height(), new byte[10]));
    return new ClipWindow(w.streamId(), 0, frames() - 1, 0, 0, 0, frames);
  }
}
