package io.openmede.events.clips;

import io.openmede.settings.Setting;
import io.openmede.settings.Settings;
import io.openmede.settings.SettingsException;
import io.openmede.settings.SettingsGroup;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The clip maker's settings.
 *
 * @param enabled whether the events service makes clips
 * @param dir the clip store's directory
 * @param group consumer group of the clip maker on the events topic (also its transactional id)
 * @param preRoll how much video before the episode's first frame a clip keeps
 * @param postRoll how much video after the episode's last frame a clip keeps
 * @param maxLength the longest clip; a longer episode keeps its start
 * @param framesWait how long the maker waits for the post-roll's frames to reach the frames topic
 * @param maxBytes the largest MP4 the store accepts
 * @param retentionBytes the store's budget: the oldest unkept clips go when it is exceeded
 * @param retentionAge clips older than this go unless kept
 * @param publicUrl the live page's address as webhook receivers reach it, for clip links
 */
public record ClipSettings(
    boolean enabled,
    Path dir,
    String group,
    Duration preRoll,
    Duration postRoll,
    Duration maxLength,
    Duration framesWait,
    long maxBytes,
    long retentionBytes,
    Duration retentionAge,
    java.util.Optional<String> publicUrl) {

  public static final Setting<Boolean> ENABLED =
      Setting.bool(
          "clips.enabled",
          true,
          "Make a clip (MP4 and thumbnail) of every closed episode in the clip store (the events"
              + " service runs the clip maker beside its topology).");
  public static final Setting<String> DIR =
      Setting.string(
          "clips.dir",
          "data/clips",
          "Directory of the clip store: one MP4, one JPEG thumbnail and one manifest per episode;"
              + " the live page serves clips from the same directory.");
  public static final Setting<String> GROUP =
      Setting.string(
          "clips.group",
          "openmede-events-clips",
          "Consumer group of the clip maker on the events topic; also its transactional id, so"
              + " that a restart finishes or redoes a clip and never publishes it twice.");
  public static final Setting<Duration> PRE_ROLL =
      Setting.duration(
          "clips.pre-roll",
          Duration.ofSeconds(3),
          "Video kept before an episode's first frame (the frames topic must still hold it: its"
              + " retention.ms must exceed the time from capture to the episode's end plus this).");
  public static final Setting<Duration> POST_ROLL =
      Setting.duration(
          "clips.post-roll", Duration.ofSeconds(3), "Video kept after an episode's last frame.");
  public static final Setting<Duration> MAX_LENGTH =
      Setting.duration(
          "clips.max-length",
          Duration.ofMinutes(5),
          "The longest clip, pre-roll included; a longer episode keeps its start and the clip is"
              + " marked cut.");
  public static final Setting<Duration> FRAMES_WAIT =
      Setting.duration(
          "clips.frames-wait",
          Duration.ofSeconds(20),
          "How long the clip maker waits for the post-roll's frames to arrive on the frames topic"
              + " before it makes the clip with what is there (a stream that stopped).");
  public static final Setting<Long> MAX_BYTES =
      Setting.longInteger(
          "clips.max-bytes",
          512L * 1024 * 1024,
          1024,
          Long.MAX_VALUE,
          "The largest MP4 the clip store accepts, in bytes; a larger one gets a FAILED record"
              + " saying so (lower clips.max-length).");
  public static final Setting<Long> RETENTION_BYTES =
      Setting.longInteger(
          "clips.retention.max-bytes",
          10L * 1024 * 1024 * 1024,
          0,
          Long.MAX_VALUE,
          "Disk budget of the clip store in bytes: above it the oldest clips not marked keep are"
              + " deleted first; kept clips are never deleted (they count against the budget).");
  public static final Setting<Duration> RETENTION_AGE =
      Setting.duration(
          "clips.retention.max-age",
          Duration.ofDays(30),
          "Clips older than this are deleted unless marked keep.");

  public static final Setting<java.util.Optional<String>> PUBLIC_URL =
      Setting.optionalString(
          "clips.public-url",
          "The live page's address as webhook receivers reach it (http://host:8080): a rule's clip"
              + " webhook (alert add --clip-webhook) links to <this>/api/clip-video?id=EVENT_ID"
              + " (the page's token is needed to fetch it); unset: the link is the clip's store URI"
              + " (clips:NAME.mp4).");

  /** Every clip setting. */
  public static final SettingsGroup SETTINGS_GROUP =
      SettingsGroup.of(
          "Clips",
          ENABLED,
          DIR,
          GROUP,
          PRE_ROLL,
          POST_ROLL,
          MAX_LENGTH,
          FRAMES_WAIT,
          MAX_BYTES,
          RETENTION_BYTES,
          RETENTION_AGE,
          PUBLIC_URL);

  /** Where a webhook receiver finds the clip of {@code eventId}. */
  public String link(String eventId, String storeUri) {
    return publicUrl
        .map(
            u ->
                u
                    + "/api/clip-video?id="
                    + java.net.URLEncoder.encode(eventId, java.nio.charset.StandardCharsets.UTF_8))
        .orElse(storeUri);
  }

  public ClipSettings {
    if (preRoll.isNegative() || postRoll.isNegative()) {
      throw new SettingsException(
          "clips.pre-roll and clips.post-roll must not be negative (got "
              + preRoll
              + ", "
              + postRoll
              + ")");
    }
    if (maxLength.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new SettingsException(
          "clips.max-length " + maxLength + " is shorter than a second; make it 1s or more");
    }
  }

  public static ClipSettings from(Settings s) {
    return new ClipSettings(
        s.get(ENABLED),
        Path.of(s.get(DIR)),
        s.get(GROUP),
        s.get(PRE_ROLL),
        s.get(POST_ROLL),
        s.get(MAX_LENGTH),
        s.get(FRAMES_WAIT),
        s.get(MAX_BYTES),
        s.get(RETENTION_BYTES),
        s.get(RETENTION_AGE),
        s.get(PUBLIC_URL).map(u -> u.replaceAll("/+$", "")));
  }

  /** The defaults with the store in {@code dir}. */
  public static ClipSettings defaults(Path dir) {
    return new ClipSettings(
        true,
        dir,
        GROUP.defaultValue(),
        PRE_ROLL.defaultValue(),
        POST_ROLL.defaultValue(),
        MAX_LENGTH.defaultValue(),
        FRAMES_WAIT.defaultValue(),
        MAX_BYTES.defaultValue(),
        RETENTION_BYTES.defaultValue(),
        RETENTION_AGE.defaultValue(),
        java.util.Optional.empty());
  }

  public ClipSettings withRolls(Duration pre, Duration post) {
    return new ClipSettings(
        enabled,
        dir,
        group,
        pre,
        post,
        maxLength,
        framesWait,
        maxBytes,
        retentionBytes,
        retentionAge,
        publicUrl);
  }

  public ClipSettings withGroup(String g) {
    return new ClipSettings(
        enabled,
        dir,
        g,
        preRoll,
        postRoll,
        maxLength,
        framesWait,
        maxBytes,
        retentionBytes,
        retentionAge,
        publicUrl);
  }

  public ClipSettings withRetention(long bytes, Duration age) {
    return new ClipSettings(
        enabled,
        dir,
        group,
        preRoll,
        postRoll,
        maxLength,
        framesWait,
        maxBytes,
        bytes,
        age,
        publicUrl);
  }
}
