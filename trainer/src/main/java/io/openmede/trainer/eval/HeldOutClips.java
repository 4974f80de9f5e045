package io.openmede.trainer.eval;

import io.openmede.schemas.values.Identifiers;
import io.openmede.trainer.stream.DecodedClip;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The clips the trainer holds out of training for its online evaluation: those of the stream's
 * held-out splits, and those made from feedback (split {@code feedback-eval}), one per feedback
 * window, a repeated correction of a window replacing its clip, and the negatives (split {@code
 * negative}: nothing of the vocabulary happens) for the open-set thresholds. Each set keeps at most
 * {@code limit} clips. Not thread-safe: the training loop's thread uses it.
 */
public final class HeldOutClips {

  private final int limit;
  private final List<DecodedClip> stream = new ArrayList<>();
  private final Map<String, DecodedClip> feedback = new LinkedHashMap<>();
  private final Map<String, DecodedClip> negatives = new LinkedHashMap<>();

  /**
   * @param limit how many clips each set keeps at most (trainer.eval.held-out-clips)
   */
  public HeldOutClips(int limit) {
    this.limit = limit;
  }

  /**
   * Keeps {@code clip} (of a held-out split) while there is room, or refuses it: it cannot join the
   * views of its video when another held-out clip (not one it replaces) has its video id with
   * another label, since evaluation averages a video's views under one label.
   *
   * @return why the clip is refused, or empty when it is kept or there was no room
   */
  public Optional<String> offer(DecodedClip clip) {
    if (Identifiers.NEGATIVE_SPLIT.equals(clip.split())) {
      // nothing of the vocabulary happens: no label to evaluate, only a negative for the
      // open-set thresholds; a repeat (the same window's feedback again) replaces
      if (negatives.containsKey(clip.clipId()) || negatives.size() < limit) {
        negatives.put(clip.clipId(), clip);
      }
      return Optional.empty();
    }
    boolean fromFeedback = Identifiers.FEEDBACK_EVAL_SPLIT.equals(clip.split());
    Optional<String> conflict = videoConflict(clip, fromFeedback ? feedback.values() : stream);
    if (conflict.isPresent()) {
      return conflict;
    }
    if (fromFeedback) {
      if (feedback.containsKey(clip.clipId()) || feedback.size() < limit) {
        feedback.put(clip.clipId(), clip);
      }
    } else if (stream.size() < limit) {
      stream.add(clip);
    }
    return Optional.empty();
  }

  private static Optional<String> videoConflict(DecodedClip clip, Collection<DecodedClip> held) {
    for (DecodedClip h : held) {
      if (h.videoId().equals(clip.videoId())
          && !h.clipId().equals(clip.clipId())
          && !h.label().equals(clip.label())) {
        return Optional.of(
            "held-out clip "
                + clip.clipId()
                + " of video "
                + clip.videoId()
                + " is labelled '"
                + clip.label()
                + "', but clip "
                + h.clipId()
                + " of the same video is labelled '"
                + h.label()
                + "'; the views of one video must share its label");
      }
    }
    return Optional.empty();
  }

  /** The held-out clips of the stream, in arrival order. */
  public List<DecodedClip> stream() {
    return List.copyOf(stream);
  }

  /**
   * The held-out clips of the negative split (empty scenes, "nothing happened" feedback), in
   * arrival order, one per clip id.
   */
  public List<DecodedClip> negatives() {
    return List.copyOf(negatives.values());
  }

  /** The held-out feedback clips, one per window. */
  public List<DecodedClip> feedback() {
    return List.copyOf(feedback.values());
  }
}
