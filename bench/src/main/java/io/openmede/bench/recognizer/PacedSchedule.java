package io.openmede.bench.recognizer;

import java.util.ArrayList;
import java.util.List;

/**
 * The paced phase's plan: one frame batch (one window) every period, the streams in turn, in
 * segments of equal length. First a lead-in (not measured: the topology settles from the throughput
 * rounds' flood into the paced rate, and the JIT compiles the paths pacing takes) of {@link
 * #MIN_LEAD_IN_SEGMENTS} to {@link #MAX_LEAD_IN_SEGMENTS} segments whose first ones rehearse the
 * events ({@link #rehearsals}); then the measured segments in order: steady, the vocabulary change,
 * then per swap a quiet segment (no event: the same statistic's spread without a swap) and the
 * swap's own. An event is sent at its segment's start.
 *
 * @param rate windows per second over all streams
 * @param periodNanos the time between two frame batches
 * @param segmentSteps frame batches per segment
 * @param rehearsals the events of the lead-in's first segments, in order; empty: none
 * @param measured the measured segments, in order
 */
record PacedSchedule(
    double rate,
    long periodNanos,
    long segmentSteps,
    List<Segment> rehearsals,
    List<Segment> measured) {

  /** A segment, by the event at its start. */
  enum Segment {
    /** No event: the steady state after the lead-in. */
    STEADY,
    /** A vocabulary change. */
    VOCABULARY,
    /** No event: the segment just before a swap. */
    QUIET,
    /** A checkpoint announcement: the model is swapped. */
    SWAP
  }

  /** Lead-in segments at most (each a segment long, about 3 s). */
  static final int MAX_LEAD_IN_SEGMENTS = 15;

  /**
   * Lead-in segments at least: the first carries a rehearsal vocabulary change, the second a
   * rehearsal swap, and the third lets what they compiled settle (a recognizer that has run a while
   * has done both before; the first time, their code is compiled while they run). Without the
   * rehearsal, as many segments with no event.
   */
  static final int MIN_LEAD_IN_SEGMENTS = 3;

  /**
   * {@code seconds} at {@code rate} with {@code swaps} measured swaps: 3 + 2 × swaps segments of
   * equal length, the lead-in counted as one.
   *
   * @param rehearse whether the lead-in rehearses a vocabulary change and a swap; without, the
   *     first measured swap is the recognizer's first swap since it started, and the measured
   *     vocabulary change its first
   */
  static PacedSchedule of(double rate, int seconds, int swaps, boolean rehearse) {
    List<Segment> measured = new ArrayList<>(List.of(Segment.STEADY, Segment.VOCABULARY));
    for (int k = 0; k < swaps; k++) {
      measured.addAll(List.of(Segment.QUIET, Segment.SWAP));
    }
    long periodNanos = (long) (1e9 / rate);
    long segmentSteps = Math.max(1, (long) (rate * seconds / (measured.size() + 1)));
    return new PacedSchedule(
        rate,
        periodNanos,
        segmentSteps,
        rehearse ? List.of(Segment.VOCABULARY, Segment.SWAP) : List.of(),
        List.copyOf(measured));
  }

  /** The length of a segment (ns). */
  long segmentNanos() {
    return segmentSteps * periodNanos;
  }

  /** Frame batches in the measured segments. */
  long measuredSteps() {
    return segmentSteps * measured.size();
  }

  /** Swaps in the lead-in and the measured segments: the checkpoints the phase needs. */
  int swaps() {
    return (int)
        (rehearsals.stream().filter(s -> s == Segment.SWAP).count()
            + measured.stream().filter(s -> s == Segment.SWAP).count());
  }
}
