package io.openmede.schemas.values;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the names that travel in records must be, judged in one place: stream ids (record keys of
 * frames, recognitions, events and feedback), alert rule names (keys of {@code openmede.rules}),
 * model lines and checkpoint versions (named by an operator's decision) and the clip ids of clips
 * made from feedback. Each rule is a {@code ...Refusal} method that returns why a value is refused
 * (the value and the bound in the message), or empty when it is good.
 */
public final class Identifiers {

  /** The longest stream id, and the longest stream pattern of an alert rule. */
  public static final int MAX_STREAM_ID_LENGTH = 200;

  /** The longest alert rule name. */
  public static final int MAX_RULE_NAME_LENGTH = 100;

  /** The longest model line name ({@code trainer.model.name}, {@code recognizer.model-name}). */
  public static final int MAX_MODEL_NAME_LENGTH = 100;

  /**
   * The longest checkpoint version: a model line, its updates and its method ({@code
   * NAME-u000000042-open-mede}).
   */
  public static final int MAX_CHECKPOINT_VERSION_LENGTH = 200;

  /** Clip ids (and sources) of clips made from feedback start with this. */
  public static final String FEEDBACK_CLIP_PREFIX = "feedback:";

  /** The split of feedback clips held out for evaluation. */
  public static final String FEEDBACK_EVAL_SPLIT = "feedback-eval";

  /**
   * The split of held-out clips where nothing of the vocabulary happens (the world's empty scenes,
   * windows a person marked "nothing happened"): never trained on, negatives for the trainer's
   * open-set thresholds. Their label is informative only (the scene's or the wrongly recognized
   * label).
   */
  public static final String NEGATIVE_SPLIT = "negative";

  private static final Pattern RULE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  private Identifiers() {}

  /** Why {@code stream} cannot be a stream id, or empty: 1 to 200 characters. */
  public static Optional<String> streamIdRefusal(String stream) {
    if (stream == null || stream.isEmpty() || stream.length() > MAX_STREAM_ID_LENGTH) {
      return Optional.of("the stream id must be 1 to " + MAX_STREAM_ID_LENGTH + " characters");
    }
    return Optional.empty();
  }

  /**
   * Why {@code pattern} cannot be a stream pattern of an alert rule (a stream id, or a glob with
   * {@code *} and {@code ?}), or empty: 1 to 200 characters without control characters.
   */
  public static Optional<String> streamPatternRefusal(String pattern) {
    if (pattern == null
        || pattern.isEmpty()
        || pattern.length() > MAX_STREAM_ID_LENGTH
        || pattern.chars().anyMatch(Character::isISOControl)) {
      return Optional.of(
          "a stream pattern must be 1 to "
              + MAX_STREAM_ID_LENGTH
              + " characters without control characters");
    }
    return Optional.empty();
  }

  /** Why {@code name} cannot name an alert rule, or empty. */
  public static Optional<String> ruleNameRefusal(String name) {
    if (name == null || name.isEmpty() || name.length() > MAX_RULE_NAME_LENGTH) {
      return Optional.of("a rule name must be 1 to " + MAX_RULE_NAME_LENGTH + " characters");
    }
    if (!RULE_NAME.matcher(name).matches()) {
      return Optional.of(
          "the rule name "
              + Printable.quote(name)
              + " may hold only letters, digits, '.', '_' and '-', starting with a letter or"
              + " digit");
    }
    return Optional.empty();
  }

  /** Why {@code name} cannot name a model line, or empty. */
  public static Optional<String> modelNameRefusal(String name) {
    return nameRefusal("a model line", name, MAX_MODEL_NAME_LENGTH);
  }

  /**
   * Why {@code version} cannot be a checkpoint version, or empty: 1 to 200 of letters, digits, '.',
   * '_' and '-', starting with a letter or digit (it is a directory name in the store).
   */
  public static Optional<String> checkpointVersionRefusal(String version) {
    return nameRefusal("a checkpoint version", version, MAX_CHECKPOINT_VERSION_LENGTH);
  }

  private static Optional<String> nameRefusal(String what, String name, int max) {
    if (name == null || name.isEmpty() || name.length() > max) {
      return Optional.of(
          what
              + " must be 1 to "
              + max
              + " characters"
              + (name == null ? "" : ", not " + name.length()));
    }
    if (!RULE_NAME.matcher(name).matches()) {
      return Optional.of(
          what
              + " "
              + Printable.quote(name)
              + " may hold only letters, digits, '.', '_' and '-', starting with a letter or"
              + " digit");
    }
    return Optional.empty();
  }

  /** The clip id of a feedback window: stream and frame range, the same for every repeat. */
  public static String feedbackClipId(String stream, long first, long last) {
    return FEEDBACK_CLIP_PREFIX + stream + ":" + first + "-" + last;
  }

  /** Whether {@code clipId} names a clip made from feedback. */
  public static boolean isFeedbackClip(String clipId) {
    return clipId.startsWith(FEEDBACK_CLIP_PREFIX);
  }

  /**
   * Why the stream id or the frame range of a feedback window is refused, or empty.
   *
   * @param first the first frame's sequence number
   * @param last the last frame's sequence number (inclusive)
   */
  public static Optional<String> feedbackWindowRefusal(String stream, long first, long last) {
    Optional<String> id = streamIdRefusal(stream);
    if (id.isPresent()) {
      return id;
    }
    if (first < 0 || last < first) {
      return Optional.of("the range " + first + "-" + last + " is not a window");
    }
    return Optional.empty();
  }
}
