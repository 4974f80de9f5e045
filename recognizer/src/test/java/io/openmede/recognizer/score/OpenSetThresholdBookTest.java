package io.openmede.recognizer.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openmede.model.openset.OpenSetCalibration;
import io.openmede.model.openset.OpenSetScore;
import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.OpenSetThresholds;
import io.openmede.schemas.avro.TrainingSummary;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpenSetThresholdBookTest {

  static CheckpointAnnouncement announcement(String version, List<OpenSetThresholds> openSet) {
    return CheckpointAnnouncement.newBuilder()
        .setModelName("openmede-tiny")
        .setVersion(version)
        .setUri("file:///x")
        .setSha256("00")
        .setSizeBytes(1)
        .setPreset("tiny")
        .setTraining(
            new TrainingSummary("open-mede", 1L, 1L, Map.of(), 1.0, 1.0, 1, 1, 0.1, 0.1, 1.0))
        .setCreatedAt(Instant.EPOCH)
        .setOpenSet(openSet)
        .build();
  }

  static OpenSetThresholds thresholds(String score, double fallback) {
    return OpenSetThresholds.newBuilder()
        .setScore(score)
        .setTargetRecall(0.9)
        .setThresholds(Map.of("waving", 0.25))
        .setFallback(fallback)
        .setWidth(0.02)
        .setBackgroundPrompts(List.of("an empty scene"))
        .build();
  }

  @Test
  void offer_takesTheThresholdsOfItsOwnKind() {
    OpenSetThresholdBook book = new OpenSetThresholdBook(OpenSetScore.ENERGY);
    book.offer(
        announcement("v2", List.of(thresholds("max-cosine", 0.1), thresholds("energy", 0.3))));
    OpenSetCalibration c = book.forVersion("v2").orElseThrow().calibration();
    assertThat(c.score()).isEqualTo(OpenSetScore.ENERGY);
    assertThat(c.fallback()).isEqualTo(0.3);
    assertThat(c.threshold("waving")).isEqualTo(0.25);
    assertThat(book.forVersion("v2").orElseThrow().background()).containsExactly("an empty scene");
    assertThat(book.forVersion("v1")).isEmpty();
  }

  @Test
  void offer_withoutThresholdsOfItsKind_orInvalidOnes_decidesNothingForThatVersion() {
    OpenSetThresholdBook book = new OpenSetThresholdBook(OpenSetScore.ENERGY);
    book.offer(announcement("v2", List.of(thresholds("max-cosine", 0.1))));
    book.offer(announcement("v3", List.of(thresholds("energy", Double.NaN))));
    book.offer(announcement("v4", List.of()));
    assertThat(book.forVersion("v2")).isEmpty();
    assertThat(book.forVersion("v3")).isEmpty();
    assertThat(book.forVersion("v4")).isEmpty();
  }

  @Test
  void offer_learnedBackground_bringsItsClass_andWithoutItDecidesNothing() {
    OpenSetThresholdBook book = new OpenSetThresholdBook(OpenSetScore.LEARNED_BACKGROUND);
    OpenSetThresholds with = thresholds("learned-background", 0.4);
    with.setBackgroundPrompts(List.of());
    with.setLearnedBackground(
        io.openmede.schemas.avro.LearnedBackgroundClass.newBuilder()
            .setDirection(List.of(0.5f, -1f))
            .setBias(2.0)
            .build());
    book.offer(announcement("v1", List.of(with)));
    OpenSetCalibration c = book.forVersion("v1").orElseThrow().calibration();
    assertThat(c.learnedBackground().orElseThrow().direction()).containsExactly(0.5f, -1f);
    assertThat(c.learnedBackground().orElseThrow().bias()).isEqualTo(2.0);
    // stripped of its class, the thresholds mean nothing: the version decides nothing
    book.offer(announcement("v2", List.of(thresholds("learned-background", 0.4))));
    assertThat(book.forVersion("v2")).isEmpty();
  }

  @Test
  void offer_learnedBackgroundOfAnotherWidthThanTheModel_isIgnored_soWindowsAreStillScored() {
    OpenSetThresholdBook book =
        new OpenSetThresholdBook(OpenSetScore.LEARNED_BACKGROUND, java.util.OptionalInt.of(2));
    OpenSetThresholds wide = thresholds("learned-background", 0.4);
    wide.setLearnedBackground(
        io.openmede.schemas.avro.LearnedBackgroundClass.newBuilder()
            .setDirection(List.of(0.5f, -1f, 0.25f))
            .setBias(2.0)
            .build());
    // the calibration throws on every window of the model: before, each window failed to score
    OpenSetCalibration wrong = OpenSetThresholdBook.fromRecord(wide).calibration();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> wrong.backgroundCosines(new float[] {0.6f, 0.8f}, new double[0], 100))
        .hasMessageContaining("fitted for another model");
    book.offer(announcement("v1", List.of(wide)));
    assertThat(book.forVersion("v1")).isEmpty();
    wide.getLearnedBackground().setDirection(List.of(0.5f, -1f));
    book.offer(announcement("v2", List.of(wide)));
    assertThat(book.forVersion("v2")).isPresent();
  }

  @Test
  void offer_learnedBackground_withoutALearnedClass_decidesWithTheSoftmaxThresholds() {
    OpenSetThresholdBook book = new OpenSetThresholdBook(OpenSetScore.LEARNED_BACKGROUND);
    book.offer(
        announcement("v1", List.of(thresholds("max-softmax", 0.7), thresholds("energy", 0.3))));
    OpenSetCalibration c = book.forVersion("v1").orElseThrow().calibration();
    assertThat(c.score()).isEqualTo(OpenSetScore.MAX_SOFTMAX);
    assertThat(c.fallback()).isEqualTo(0.7);
    // no other kind stands in for a missing one
    OpenSetThresholdBook energy = new OpenSetThresholdBook(OpenSetScore.ENERGY);
    energy.offer(announcement("v1", List.of(thresholds("max-softmax", 0.7))));
    assertThat(energy.forVersion("v1")).isEmpty();
  }

  static io.openmede.schemas.avro.KnownRegionReferences region(
      List<List<Float>> references, double minSimilarity) {
    return io.openmede.schemas.avro.KnownRegionReferences.newBuilder()
        .setReferences(references)
        .setMinSimilarity(minSimilarity)
        .setTargetRecall(0.95)
        .build();
  }

  @Test
  void offer_bringsTheKnownRegion_andAWindowOutsideItIsUnknown() throws Exception {
    OpenSetThresholdBook book = new OpenSetThresholdBook(OpenSetScore.MAX_COSINE);
    CheckpointAnnouncement a = announcement("v1", List.of(thresholds("max-cosine", 0.1)));
    a.setKnownRegion(region(List.of(List.of(1f, 0f), List.of(0.8f, 0.6f)), 0.9));
    // as the recognizer gets it: through Avro's binary encoding
    book.offer(CheckpointAnnouncement.fromByteBuffer(a.toByteBuffer()));
    OpenSetThresholdBook.Entry e = book.forVersion("v1").orElseThrow();
    io.openmede.model.openset.KnownRegion r = e.region().orElseThrow();
    assertThat(r.references()[1]).containsExactly(0.8f, 0.6f);
    assertThat(r.minSimilarity()).isEqualTo(0.9);
    assertThat(r.targetRecall()).isEqualTo(0.95);

    // both clips pass the thresholds (cosine 1 to label "waving"); the one far from every known
    // clip is unknown all the same
    float[][] classes = {{1, 0}, {0, 1}};
    List<String> labels = List.of("waving", "falling");
    WindowScore near =
        Ranking.score(
            new float[] {1, 0},
            classes,
            labels,
            new float[0][],
            10,
            1,
            java.util.Optional.of(e.calibration()),
            e.region());
    WindowScore far =
        Ranking.score(
            new float[] {0, 1},
            classes,
            labels,
            new float[0][],
            10,
            1,
            java.util.Optional.of(e.calibration()),
            e.region());
    assertThat(near.unknown()).isFalse();
    assertThat(far.unknown()).isTrue();
    // without a region (an older trainer) the thresholds alone decide
    book.offer(announcement("v2", List.of(thresholds("max-cosine", 0.1))));
    assertThat(book.forVersion("v2").orElseThrow().region()).isEmpty();
  }

  @Test
  void offer_withAHostileKnownRegion_refusesTheVersionsOpenSetWithTheReason() {
    List<io.openmede.schemas.avro.KnownRegionReferences> hostile =
        List.of(
            region(List.of(List.of(Float.NaN, 0f)), 0.5),
            region(List.of(List.of(1f, 0f)), Double.NaN),
            region(List.of(List.of(1f, 0f)), 1e300),
            region(List.of(List.of(1f, 0f), List.of(1f)), 0.5),
            region(List.of(), 0.5),
            region(
                java.util.Collections.nCopies(
                    io.openmede.model.openset.KnownRegion.MAX_REFERENCES + 1, List.of(1f)),
                0.5),
            region(
                List.of(
                    java.util.Collections.nCopies(
                        io.openmede.model.openset.KnownRegion.MAX_VALUES + 1, 1f)),
                0.5));
    for (io.openmede.schemas.avro.KnownRegionReferences r : hostile) {
      OpenSetThresholdBook book = new OpenSetThresholdBook(OpenSetScore.MAX_COSINE);
      CheckpointAnnouncement a = announcement("v1", List.of(thresholds("max-cosine", 0.1)));
      a.setKnownRegion(r);
      book.offer(a);
      assertThat(book.forVersion("v1")).as(r.toString().substring(0, 40)).isEmpty();
      assertThatThrownBy(() -> OpenSetThresholdBook.region(r))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("known region");
    }
  }

  @Test
  void keepsTheLastFewVersions() {
    OpenSetThresholdBook book = new OpenSetThresholdBook(OpenSetScore.ENERGY);
    for (int v = 1; v <= OpenSetThresholdBook.KEPT + 1; v++) {
      book.offer(announcement("v" + v, List.of(thresholds("energy", 0.3))));
    }
    assertThat(book.forVersion("v1")).isEmpty();
    assertThat(book.forVersion("v" + (OpenSetThresholdBook.KEPT + 1))).isPresent();
  }

  @Test
  void put_ofAnotherKind_isRefused() {
    OpenSetThresholdBook book = new OpenSetThresholdBook(OpenSetScore.ENERGY);
    assertThatThrownBy(
            () ->
                book.put(
                    "v1",
                    new OpenSetThresholdBook.Entry(
                        new OpenSetCalibration(OpenSetScore.MAX_COSINE, 0.9, Map.of(), 0.2, 0.1),
                        List.of())))
        .hasMessageContaining("max-cosine");
  }
}
