package io.openmede.bench.recognizer;

import io.openmede.bench.recognizer.PacedSchedule.Segment;
import java.util.List;

/**
 * What the paced phase did and read back.
 *
 * @param schedule its plan
 * @param leadInSegments lead-in segments it took until the JIT had settled
 * @param leadInEnd when the lead-in ended ({@link System#nanoTime()})
 * @param segmentStart when each measured segment started, its event sent (ns)
 * @param segmentJitMs the JIT so far (this JVM's and the broker's, ms) at each measured segment's
 *     start, then at the end
 * @param cpu where the CPU went over the measured segments
 * @param arrivals the recognitions of the windows sent after the lead-in
 * @param newVocabularySeenAt when the first recognition with the changed vocabulary was read (ns);
 *     0: none was
 */
record PacedRun(
    PacedSchedule schedule,
    int leadInSegments,
    long leadInEnd,
    long[] segmentStart,
    List<Long> segmentJitMs,
    String cpu,
    List<Arrival> arrivals,
    long newVocabularySeenAt) {

  /** When the vocabulary change was sent (ns). */
  long vocabularySentAt() {
    return segmentStart[schedule.measured().indexOf(Segment.VOCABULARY)];
  }

  /** From the vocabulary change's sending to the first recognition that used it (ms); NaN: none. */
  double vocabularyApplyMs() {
    return newVocabularySeenAt == 0 ? Double.NaN : (newVocabularySeenAt - vocabularySentAt()) / 1e6;
  }

  /** When each measured swap was announced (ns), in order. */
  long[] swapSentAt() {
    List<Segment> measured = schedule.measured();
    long[] at = new long[(int) measured.stream().filter(s -> s == Segment.SWAP).count()];
    for (int m = 0, k = 0; m < measured.size(); m++) {
      if (measured.get(m) == Segment.SWAP) {
        at[k++] = segmentStart[m];
      }
    }
    return at;
  }
}
