package io.openmede.events;

import io.openmede.schemas.values.InputBounds;
import io.openmede.schemas.values.StreamBounds;
import io.openmede.settings.Setting;
import io.openmede.settings.Settings;
import io.openmede.settings.SettingsGroup;
import java.util.Objects;

/**
 * What the events service's state may hold of what it reads: how far one recognition may move its
 * stream's position ({@link StreamBounds}, the shared input bounds) and how many streams one task
 * (a partition of the recognitions topic) keeps a position and episodes for. Recognitions of a new
 * stream beyond that are dead-lettered with the setting in the reason, so that a producer naming
 * endless stream ids cannot fill the service's state.
 *
 * @param bounds how far one recognition may move its stream's position
 * @param maxStreamsPerTask streams one task keeps state for
 */
public record EpisodeLimits(StreamBounds bounds, int maxStreamsPerTask) {

  /** The default bounds, 10,000 streams a task. */
  public static final EpisodeLimits DEFAULT = new EpisodeLimits(StreamBounds.DEFAULT, 10_000);

  public static final Setting<Integer> MAX_STREAMS_PER_TASK =
      Setting.integer(
          "events.streams.max-per-task",
          DEFAULT.maxStreamsPerTask(),
          1,
          Integer.MAX_VALUE,
          "Streams one events task (a partition of the recognitions topic) keeps a position and"
              + " episodes for: the first recognition of a stream beyond it goes to dead letters"
              + " with the reason, so a producer naming endless stream ids cannot fill the events"
              + " service's state.");

  /** The events service's state bounds. */
  public static final SettingsGroup GROUP = SettingsGroup.of("Events state", MAX_STREAMS_PER_TASK);

  public EpisodeLimits {
    Objects.requireNonNull(bounds, "bounds");
    if (maxStreamsPerTask < 1) {
      throw new IllegalArgumentException(
          MAX_STREAMS_PER_TASK.name() + " " + maxStreamsPerTask + " must be at least 1");
    }
  }

  /** Converts resolved settings of {@link #GROUP} and {@link InputBounds#GROUP}, once. */
  public static EpisodeLimits from(Settings s) {
    return new EpisodeLimits(InputBounds.from(s).streams(), s.get(MAX_STREAMS_PER_TASK));
  }
}
