package io.openmede.ingest.feedback;

import io.openmede.schemas.avro.Feedback;
import io.openmede.schemas.avro.FeedbackVerdict;
import io.openmede.schemas.avro.LabeledClip;
import io.openmede.schemas.values.Identifiers;
import io.openmede.schemas.values.Labels;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Turns one feedback record into the labeled clip of exactly its window's frames, or says why not.
 * The clip id comes from the stream and the range, so a repeated correction of a window gives a
 * clip with the same id (a consumer keeps the latest); a share of the windows (by a hash of the id,
 * the same for every repeat) is tagged {@code feedback-eval} ({@link
 * Identifiers#FEEDBACK_EVAL_SPLIT}) to be held out for evaluation.
 */
final class Labeler {

  /** What came of one feedback record. */
  public record Outcome(Optional<LabeledClip> clip, String reason, String why) {
    static Outcome refused(String reason, String why) {
      return new Outcome(Optional.empty(), reason, why);
    }
  }

  private final WindowFrames frames;
  private final int maxFrames;
  private final int heldOutPercent;

  /**
   * @param maxFrames the longest range a feedback record may name
   * @param heldOutPercent the share of windows held out for evaluation, 0 to 100
   */
  public Labeler(WindowFrames frames, int maxFrames, int heldOutPercent) {
    this.frames = frames;
    this.maxFrames = maxFrames;
    this.heldOutPercent = heldOutPercent;
  }

  /**
   * Judges {@code f} and reads its frames.
   *
   * @param asked when the feedback was sent (its record's timestamp): where the frames are looked
   *     for when it carries no capture time
   */
  public Outcome label(Feedback f, java.time.Instant asked) {
    String stream = f.getStreamId();
    Optional<String> window =
        Identifiers.feedbackWindowRefusal(stream, f.getFirstSequence(), f.getLastSequence());
    if (window.isPresent()) {
      return Outcome.refused(
          Identifiers.streamIdRefusal(stream).isPresent() ? "stream" : "range", window.get());
    }
    long n = f.getLastSequence() - f.getFirstSequence() + 1;
    if (n > maxFrames) {
      return Outcome.refused(
          "range",
          "the range has "
              + n
              + " frames; at most "
              + maxFrames
              + " (labeler.max-frames): name one window, not a stretch of video");
    }
    String label;
    try {
      label = Labels.clean(f.getLabel());
    } catch (IllegalArgumentException e) {
      return Outcome.refused("label", e.getMessage());
    }
    WindowFrames.Found found;
    try {
      found =
          frames.read(
              stream,
              f.getFirstSequence(),
              f.getLastSequence(),
              Optional.ofNullable(f.getFirstCaptureTime()).map(java.time.Instant::ofEpochMilli),
              asked);
    } catch (WindowFrames.Missing e) {
      return Outcome.refused(e.reason(), e.getMessage());
    }
    String id = Identifiers.feedbackClipId(stream, f.getFirstSequence(), f.getLastSequence());
    boolean heldOut = Math.floorMod(id.hashCode(), 100) < heldOutPercent;
    LabeledClip clip =
        LabeledClip.newBuilder()
            .setClipId(id)
            .setLabel(label)
            .setWidth(found.width())
            .setHeight(found.height())
            .setEncoding(found.encoding())
            .setFrames(found.frames().stream().map(ByteBuffer::wrap).toList())
            .setSource(id)
            .setSplit(split(f.getVerdict(), heldOut))
            .build();
    return new Outcome(Optional.of(clip), null, null);
  }

  /**
   * The split of a feedback clip: "nothing happened" makes a negative (never trained on, a negative
   * for the open-set thresholds); the others train, or are held out for evaluation.
   */
  static String split(FeedbackVerdict verdict, boolean heldOut) {
    if (verdict == FeedbackVerdict.NOTHING) {
      return Identifiers.NEGATIVE_SPLIT;
    }
    return heldOut ? Identifiers.FEEDBACK_EVAL_SPLIT : "train";
  }
}
