package io.openmede.schemas.feedback;

import io.openmede.schemas.avro.Feedback;
import io.openmede.schemas.avro.FeedbackVerdict;
import io.openmede.schemas.vocabulary.VocabularyRules;
import java.time.Instant;
import java.util.Optional;

/**
 * What feedback must be and what its clips are called, in one place: the labeler (which makes the
 * clips), the trainer (which weighs and holds them out), {@code openmede feedback} and the page.
 */
public final class FeedbackClips {

  /** Clip ids (and sources) of clips made from feedback start with this. */
  public static final String PREFIX = "feedback:";

  /** The split of feedback clips held out for evaluation. */
  public static final String EVAL_SPLIT = "feedback-eval";

  /** The longest stream id. */
  public static final int MAX_STREAM_LENGTH = 200;

  private FeedbackClips() {}

  /** The clip id of a window: stream and frame range, the same for every repeat. */
  public static String clipId(String stream, long first, long last) {
    return PREFIX + stream + ":" + first + "-" + last;
  }

  /** Why the stream id or the range of a feedback record is refused, or empty. */
  public static Optional<String> windowRefusal(String stream, long first, long last) {
    if (stream == null || stream.isEmpty() || stream.length() > MAX_STREAM_LENGTH) {
      return Optional.of("the stream id must be 1 to " + MAX_STREAM_LENGTH + " characters");
    }
    if (first < 0 || last < first) {
      return Optional.of("the range " + first + "-" + last + " is not a window");
    }
    return Optional.empty();
  }

  /**
   * A feedback record, judged before it is sent.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static Feedback build(
      String stream,
      long first,
      long last,
      Optional<Instant> firstCapture,
      String label,
      FeedbackVerdict verdict,
      boolean addToVocabulary,
      String sender) {
    Optional<String> bad = windowRefusal(stream, first, last);
    if (bad.isPresent()) {
      throw new IllegalArgumentException(bad.get());
    }
    String clean = VocabularyRules.cleanLabel(label);
    if (sender != null && sender.length() > 200) {
      throw new IllegalArgumentException("the sender must be at most 200 characters");
    }
    return Feedback.newBuilder()
        .setStreamId(stream)
        .setFirstSequence(first)
        .setLastSequence(last)
        .setFirstCaptureTime(firstCapture.map(Instant::toEpochMilli).orElse(null))
        .setLabel(clean)
        .setVerdict(verdict)
        .setAddToVocabulary(addToVocabulary)
        .setSender(sender == null ? "" : sender)
        .setSentAt(Instant.now())
        .build();
  }
}
