package io.openmede.events;

import io.openmede.schemas.avro.AlertRule;
import io.openmede.schemas.avro.Event;
import io.openmede.schemas.avro.EventState;
import io.openmede.schemas.avro.LabelScore;
import io.openmede.schemas.avro.Recognition;
import io.openmede.schemas.values.Printable;
import java.time.Instant;
import java.util.Optional;

/**
 * How recognitions of one stream become episodes of one rule: pure functions of the rule, the
 * stored {@link EpisodeState} and the next recognition, tested alone like the windower.
 *
 * <p>A window <em>holds</em> when the rule's label has at least the rule's probability in it (a
 * label outside the window's top-k has probability 0) and, for a rule with a minimum score, at
 * least that calibrated open-set score; a window the recognizer marked unknown (no label of the
 * vocabulary reached its threshold) never holds. {@code minWindows} consecutive holding windows
 * open an episode: one {@code OPENED} event, whose first window is the first of the run. Holding
 * windows extend it (its last window, window count, peak and snapshot move on, silently); the first
 * window that does not hold closes it: one {@code CLOSED} event. After a close, windows that start
 * before the close plus the cooldown do not count towards a new episode. A window not later than
 * the last one seen (a repeat) changes nothing.
 */
final class Episodes {

  private Episodes() {}

  /** The outcome of one recognition: the state to keep (empty: delete it) and an event, if any. */
  public record Step(Optional<EpisodeState> next, Optional<Event> event) {}

  /**
   * Why the scores of window {@code r} are no scores, empty when each of its top labels has a
   * probability in [0, 1] and a calibrated score, when present, in [0, 1]: a NaN compares false
   * with every minimum, so such a window would hold every rule of its label.
   */
  public static Optional<String> scoreRefusal(Recognition r) {
    for (LabelScore s : r.getTop()) {
      double p = s.getProbability();
      if (!(p >= 0 && p <= 1)) {
        return Optional.of(
            "label " + Printable.quote(s.getLabel()) + " has probability " + p + ", not in [0, 1]");
      }
      Double c = s.getCalibrated();
      if (c != null && !(c >= 0 && c <= 1)) {
        return Optional.of(
            "label "
                + Printable.quote(s.getLabel())
                + " has calibrated score "
                + c
                + ", not in [0, 1]");
      }
    }
    return Optional.empty();
  }

  /** The label's probability in the window, 0 when it is not among the window's top labels. */
  public static double probability(Recognition r, String label) {
    for (LabelScore s : r.getTop()) {
      if (label.equals(s.getLabel())) {
        return s.getProbability();
      }
    }
    return 0;
  }

  /**
   * The label's calibrated open-set score in the window; empty when it is not among the window's
   * top labels or the window has no calibrated scores (the model brought no thresholds).
   */
  public static java.util.OptionalDouble calibrated(Recognition r, String label) {
    for (LabelScore s : r.getTop()) {
      if (label.equals(s.getLabel()) && s.getCalibrated() != null) {
        return java.util.OptionalDouble.of(s.getCalibrated());
      }
    }
    return java.util.OptionalDouble.empty();
  }

  /**
   * Why window {@code r} (where the label has probability {@code p}) does not hold for the rule,
   * cooldown apart; empty when it holds.
   */
  static Optional<String> failure(AlertRule rule, Recognition r, double p) {
    if (!rule.getEnabled()) {
      return Optional.of("the rule was disabled");
    }
    if (r.getUnknown()) {
      return Optional.of("nothing recognized in the window (no label reached its threshold)");
    }
    if (p < rule.getMinProbability()) {
      return Optional.of(
          String.format(
              java.util.Locale.ROOT,
              "%s fell to %.3f, below %.3f",
              rule.getLabel(),
              p,
              rule.getMinProbability()));
    }
    if (rule.getMinScore() != null) {
      java.util.OptionalDouble score = calibrated(r, rule.getLabel());
      if (score.isEmpty()) {
        return Optional.of(rule.getLabel() + " has no calibrated score in the window");
      }
      if (score.getAsDouble() < rule.getMinScore()) {
        return Optional.of(
            String.format(
                java.util.Locale.ROOT,
                "%s's calibrated score fell to %.3f, below %.3f",
                rule.getLabel(),
                score.getAsDouble(),
                rule.getMinScore()));
      }
    }
    return Optional.empty();
  }

  /**
   * Applies one recognition of the rule's stream.
   *
   * @param state the stored state of this rule and stream; empty when none
   * @param now when the event, if any, is emitted
   */
  public static Step step(
      AlertRule rule, Optional<EpisodeState> state, Recognition r, Instant now) {
    EpisodeState s = state.orElse(EpisodeState.NONE);
    if (state.isPresent() && r.getFirstSequence() <= s.lastSeen()) {
      return new Step(state, Optional.empty()); // a repeat or an older window
    }
    long start = r.getWindowStart().toEpochMilli();
    long end = r.getWindowEnd().toEpochMilli();
    double p = probability(r, rule.getLabel());
    Optional<String> fails = failure(rule, r, p);
    boolean holds = fails.isEmpty() && start >= s.quietUntil();
    if (s.open()) {
      if (holds) {
        return new Step(Optional.of(s.extended(r, p)), Optional.empty());
      }
      EpisodeState closed = s.seen(r.getFirstSequence());
      Event e =
          event(
              rule,
              closed,
              r.getStreamId(),
              EventState.CLOSED,
              Optional.of(fails.orElse("the cooldown began")),
              now);
      return new Step(
          Optional.of(EpisodeState.quiet(r.getFirstSequence(), end + rule.getCooldownMs())),
          Optional.of(e));
    }
    if (!holds) {
      return new Step(
          Optional.of(EpisodeState.quiet(r.getFirstSequence(), s.quietUntil())), Optional.empty());
    }
    EpisodeState run = s.run() == 0 ? EpisodeState.begin(r, p, s.quietUntil()) : s.extended(r, p);
    if (run.run() >= rule.getMinWindows()) {
      EpisodeState opened = run.opened();
      return new Step(
          Optional.of(opened),
          Optional.of(
              event(rule, opened, r.getStreamId(), EventState.OPENED, Optional.empty(), now)));
    }
    return new Step(Optional.of(run), Optional.empty());
  }

  /**
   * The rule of a stored state is gone (removed, or no longer watching the stream): an open episode
   * closes with {@code why}; the state is deleted either way.
   */
  public static Optional<Event> ended(
      String ruleName, String label, EpisodeState s, String stream, String why, Instant now) {
    if (!s.open()) {
      return Optional.empty();
    }
    AlertRule gone =
        AlertRule.newBuilder()
            .setName(ruleName)
            .setLabel(label)
            .setMinProbability(1)
            .setUpdatedAt(now)
            .build();
    return Optional.of(event(gone, s, stream, EventState.CLOSED, Optional.of(why), now));
  }

  /** The episode's id: rule, stream and first frame sequence; the same for its open and close. */
  public static String eventId(String rule, String stream, long firstSequence) {
    return rule + "/" + stream + "/" + firstSequence;
  }

  private static Event event(
      AlertRule rule,
      EpisodeState s,
      String stream,
      EventState state,
      Optional<String> closeReason,
      Instant now) {
    return Event.newBuilder()
        .setEventId(eventId(rule.getName(), stream, s.firstSequence()))
        .setRule(rule.getName())
        .setStreamId(stream)
        .setLabel(rule.getLabel())
        .setState(state)
        .setFirstSequence(s.firstSequence())
        .setLastSequence(s.lastSequence())
        .setStartedAt(Instant.ofEpochMilli(s.startedAt()))
        .setEndedAt(Instant.ofEpochMilli(s.endedAt()))
        .setWindows(s.run())
        .setPeakProbability(s.peak())
        .setSnapshotSequence(s.snapshotSequence())
        .setCloseReason(closeReason.orElse(null))
        .setEmittedAt(now)
        .build();
  }
}
