package io.openmede.ingest.feedback;

import io.openmede.settings.Setting;
import io.openmede.settings.Settings;
import io.openmede.settings.SettingsGroup;

/**
 * The labeler's settings.
 *
 * @param group consumer group of the feedback topic
 * @param maxFrames the longest frame range one feedback record may name
 * @param heldOutPercent the share of feedback windows held out for evaluation
 * @param metricsPort port of /metrics and /health, 0 for none
 */
public record LabelerSettings(String group, int maxFrames, int heldOutPercent, int metricsPort) {

  public static final Setting<String> GROUP =
      Setting.string(
          "labeler.group",
          "openmede-labeler",
          "Consumer group of the labeler on the feedback topic.");
  public static final Setting<Integer> MAX_FRAMES =
      Setting.integer(
          "labeler.max-frames",
          256,
          1,
          100_000,
          "The longest frame range one feedback record may name (a window, not a stretch of"
              + " video).");
  public static final Setting<Integer> HELD_OUT =
      Setting.integer(
          "labeler.held-out-percent",
          10,
          0,
          100,
          "Share of feedback windows (by a hash of the clip id) tagged feedback-eval: held out"
              + " for the trainer's evaluation rather than trained on.");
  public static final Setting<Integer> METRICS_PORT =
      Setting.integer(
          "labeler.metrics.port",
          0,
          0,
          65535,
          "Port of /metrics (Prometheus) and /health/live, /health/ready; 0 for none.");

  /** Every labeler setting. */
  public static final SettingsGroup SETTINGS =
      SettingsGroup.of("Labeler", GROUP, MAX_FRAMES, HELD_OUT, METRICS_PORT);

  public static LabelerSettings from(Settings s) {
    return new LabelerSettings(
        s.get(GROUP), s.get(MAX_FRAMES), s.get(HELD_OUT), s.get(METRICS_PORT));
  }
}
