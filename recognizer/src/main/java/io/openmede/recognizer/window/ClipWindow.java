package io.openmede.recognizer.window;

import java.util.List;
import java.util.Objects;

/**
 * A clip ready for scoring: the sampled frames of one window of one stream.
 *
 * @param streamId the stream
 * @param firstSequence sequence number of the first sampled frame
 * @param lastSequence sequence number of the last sampled frame
 * @param startTimeMs capture time of the first sampled frame (epoch ms)
 * @param endTimeMs capture time of the last sampled frame (epoch ms)
 * @param readyAtMs wall-clock time (epoch ms) when the frame batch that completed the window
 *     arrived at the recognizer; the start of the processing latency
 * @param frames the T sampled frames in sequence order
 */
public record ClipWindow(
    String streamId,
    long firstSequence,
    long lastSequence,
    long startTimeMs,
    long endTimeMs,
    long readyAtMs,
    List<WindowFrame> frames) {

  public ClipWindow {
    Objects.requireNonNull(streamId, "streamId");
    frames = List.copyOf(frames);
    if (frames.isEmpty()) {
      throw new IllegalArgumentException("a clip window needs at least one frame");
    }
  }

  /** Key that orders windows by stream, then by first frame. */
  public String bufferKey() {
    if (firstSequence < 0) {
      return streamId + '\u0000' + String.format("%020d", firstSequence);
    }
    String digits = Long.toString(firstSequence);
    StringBuilder key = new StringBuilder(streamId.length() + 21).append(streamId).append('\u0000');
    for (int pad = digits.length(); pad < 20; pad++) {
      key.append('0');
    }
    return key.append(digits).toString();
  }
}
