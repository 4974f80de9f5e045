package io.openmede.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.schemas.avro.AlertRule;
import io.openmede.schemas.avro.EventState;
import io.openmede.schemas.avro.LabelScore;
import io.openmede.schemas.avro.Recognition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EpisodesTest {

  static AlertRule rule(Double minScore) {
    return AlertRule.newBuilder()
        .setName("falls")
        .setLabel("falling")
        .setMinProbability(0.8)
        .setMinScore(minScore)
        .setMinWindows(2)
        .setUpdatedAt(Instant.EPOCH)
        .build();
  }

  static Recognition window(long n, double p, Double calibrated, boolean unknown) {
    return Recognition.newBuilder()
        .setStreamId("cam")
        .setWindowStart(Instant.ofEpochMilli(1000 * n))
        .setWindowEnd(Instant.ofEpochMilli(1000 * n + 900))
        .setFirstSequence(8 * n)
        .setLastSequence(8 * n + 7)
        .setTop(List.of(new LabelScore("falling", p, 0.3, calibrated)))
        .setModelVersion("v2")
        .setVocabularyVersion(1)
        .setProcessingLatencyMs(1)
        .setRecognizedAt(Instant.ofEpochMilli(1000 * n + 950))
        .setUnknown(unknown)
        .setOpenSetScore(calibrated == null ? null : "energy")
        .build();
  }

  /** The events of a run of windows. */
  static List<String> events(AlertRule rule, List<Recognition> windows) {
    Optional<EpisodeState> state = Optional.empty();
    List<String> out = new ArrayList<>();
    for (Recognition r : windows) {
      Episodes.Step step = Episodes.step(rule, state, r, Instant.EPOCH);
      state = step.next();
      step.event()
          .ifPresent(
              e ->
                  out.add(
                      e.getState()
                          + (e.getState() == EventState.CLOSED ? " " + e.getCloseReason() : "")));
    }
    return out;
  }

  @Test
  void windowsMarkedUnknown_neverOpenAnEpisode_howeverProbableTheLabel() {
    List<Recognition> unknown = new ArrayList<>();
    for (int n = 0; n < 6; n++) {
      unknown.add(window(n, 0.99, 0.3, true));
    }
    assertThat(events(rule(0.5), unknown)).isEmpty();
    assertThat(events(rule(null), unknown)).isEmpty();
  }

  @Test
  void minScore_holdsOnTheCalibratedScore_theProbabilityStillApplies() {
    List<Recognition> run =
        List.of(
            window(0, 0.9, 0.7, false),
            window(1, 0.9, 0.7, false), // opens
            window(2, 0.9, 0.4, false), // closes: calibrated score below
            window(3, 0.9, 0.9, false),
            window(4, 0.9, 0.9, false), // opens
            window(5, 0.5, 0.9, false)); // closes: probability below
    assertThat(events(rule(0.6), run))
        .containsExactly(
            "OPENED",
            "CLOSED falling's calibrated score fell to 0.400, below 0.600",
            "OPENED",
            "CLOSED falling fell to 0.500, below 0.800");
  }

  @Test
  void minScore_windowsWithoutCalibratedScores_doNotHold_withoutMinScoreTheyDo() {
    List<Recognition> run = List.of(window(0, 0.9, null, false), window(1, 0.9, null, false));
    assertThat(events(rule(0.5), run)).isEmpty();
    assertThat(events(rule(null), run)).containsExactly("OPENED");
  }

  @Test
  void anOpenEpisode_closesAtTheFirstUnknownWindow() {
    List<Recognition> run =
        List.of(window(0, 0.9, 0.7, false), window(1, 0.9, 0.7, false), window(2, 0.9, 0.7, true));
    assertThat(events(rule(0.5), run))
        .containsExactly(
            "OPENED", "CLOSED nothing recognized in the window (no label reached its threshold)");
  }
}
