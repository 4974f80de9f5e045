package io.openmede.schemas.values;

import io.openmede.settings.Setting;
import io.openmede.settings.Settings;
import io.openmede.settings.SettingsException;
import io.openmede.settings.SettingsGroup;
import java.time.Duration;

/**
 * The bounds every service puts on what it reads from topics that other programs write, set once
 * for a deployment: how large a frame may be ({@link FrameLimits}) and how far one record may move
 * a stream's position ({@link StreamBounds}).
 */
public record InputBounds(FrameLimits frames, StreamBounds streams) {

  /** The defaults. */
  public static final InputBounds DEFAULT =
      new InputBounds(FrameLimits.DEFAULT, StreamBounds.DEFAULT);

  public static final Setting<Integer> FRAMES_MAX_SIDE =
      Setting.integer(
          FrameLimits.MAX_SIDE_SETTING,
          FrameLimits.DEFAULT.maxSide(),
          1,
          65_535,
          "The longest side in pixels of a frame read from a topic (frame batches, labeled clips);"
              + " a larger one is refused with the reason before anything is allocated for it.");
  public static final Setting<Long> FRAMES_MAX_PIXELS =
      Setting.longInteger(
          FrameLimits.MAX_PIXELS_SETTING,
          FrameLimits.DEFAULT.maxPixels(),
          1,
          (Integer.MAX_VALUE - 8) / 4,
          "The most pixels (width x height) of a frame read from a topic; decoding one takes 3"
              + " bytes a pixel, so this bounds the memory a record can make a service allocate.");
  public static final Setting<Long> STREAMS_MAX_SEQUENCE_JUMP =
      Setting.longInteger(
          StreamBounds.MAX_SEQUENCE_JUMP_SETTING,
          StreamBounds.DEFAULT.maxSequenceJump(),
          1,
          Long.MAX_VALUE,
          "How many frames one record (a frame batch, a recognition) may move its stream's"
              + " position ahead or back; beyond, it is refused and the position stays, so that a"
              + " frame numbered near the top of the range cannot make every later frame late.");
  public static final Setting<Duration> STREAMS_MAX_TIME_JUMP =
      Setting.duration(
          StreamBounds.MAX_TIME_JUMP_SETTING,
          StreamBounds.DEFAULT.maxTimeJump(),
          "How far ahead of its stream's latest time a record's capture or window time may be;"
              + " beyond, it is refused (a window ending in year 9999 would put every later one"
              + " inside a cooldown).");
  public static final Setting<Duration> STREAMS_RESYNC_AFTER =
      Setting.duration(
          StreamBounds.RESYNC_AFTER_SETTING,
          StreamBounds.DEFAULT.resyncAfter(),
          "A stream with nothing accepted for this long is started afresh by its next"
              + " out-of-bounds record (a camera whose numbering really restarted); an injected"
              + " record refused meanwhile mutes nothing.");

  /** Every input-bounds setting. */
  public static final SettingsGroup GROUP =
      SettingsGroup.of(
          "Input bounds",
          FRAMES_MAX_SIDE,
          FRAMES_MAX_PIXELS,
          STREAMS_MAX_SEQUENCE_JUMP,
          STREAMS_MAX_TIME_JUMP,
          STREAMS_RESYNC_AFTER);

  /** Converts resolved settings, once. */
  public static InputBounds from(Settings s) {
    try {
      return new InputBounds(
          new FrameLimits(s.get(FRAMES_MAX_SIDE), s.get(FRAMES_MAX_PIXELS)),
          new StreamBounds(
              s.get(STREAMS_MAX_SEQUENCE_JUMP),
              s.get(STREAMS_MAX_TIME_JUMP),
              s.get(STREAMS_RESYNC_AFTER)));
    } catch (IllegalArgumentException e) {
      throw new SettingsException(e.getMessage());
    }
  }
}
