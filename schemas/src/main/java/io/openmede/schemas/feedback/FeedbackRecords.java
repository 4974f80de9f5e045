package io.openmede.schemas.feedback;

import io.openmede.schemas.avro.Feedback;
import io.openmede.schemas.avro.FeedbackVerdict;
import io.openmede.schemas.values.Identifiers;
import io.openmede.schemas.values.Labels;
import java.time.Instant;
import java.util.Optional;

/**
 * Feedback records as {@code openmede feedback} and the live page send them, judged before they are
 * sent by the rules of {@link Identifiers} and {@link Labels}.
 */
public final class FeedbackRecords {

  private FeedbackRecords() {}

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
    Optional<String> bad = Identifiers.feedbackWindowRefusal(stream, first, last);
    if (bad.isPresent()) {
      throw new IllegalArgumentException(bad.get());
    }
    String clean = Labels.clean(label);
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
