package io.openmede.events;

import io.openmede.schemas.avro.Recognition;

/**
 * What the events topology keeps per rule and stream (in a changelogged store, so a restarted
 * service goes on where it stopped): the current run of holding windows, whether it is an open
 * episode, and until when a new episode may not open (the cooldown after a close).
 *
 * @param run holding windows in the current run or episode; 0 for none
 * @param open whether the run reached the rule's minimum and is an open episode
 * @param firstSequence first frame sequence of the run's first window
 * @param lastSequence last frame sequence of the run's last window
 * @param startedAt capture time (ms) of the run's first frame
 * @param endedAt capture time (ms) of the run's last frame
 * @param peak highest probability of the label in the run
 * @param snapshotSequence the middle frame of the peak window
 * @param lastSeen first frame sequence of the last window applied (repeats are ignored)
 * @param quietUntil window start time (ms) before which no run begins
 */
record EpisodeState(
    int run,
    boolean open,
    long firstSequence,
    long lastSequence,
    long startedAt,
    long endedAt,
    double peak,
    long snapshotSequence,
    long lastSeen,
    long quietUntil) {

  /** Nothing seen yet. */
  public static final EpisodeState NONE =
      new EpisodeState(0, false, 0, 0, 0, 0, 0, 0, Long.MIN_VALUE, Long.MIN_VALUE);

  static EpisodeState quiet(long lastSeen, long quietUntil) {
    return new EpisodeState(0, false, 0, 0, 0, 0, 0, 0, lastSeen, quietUntil);
  }

  static EpisodeState begin(Recognition r, double p, long quietUntil) {
    return new EpisodeState(
        1,
        false,
        r.getFirstSequence(),
        r.getLastSequence(),
        r.getWindowStart().toEpochMilli(),
        r.getWindowEnd().toEpochMilli(),
        p,
        middle(r),
        r.getFirstSequence(),
        quietUntil);
  }

  EpisodeState extended(Recognition r, double p) {
    boolean peakHere = p > peak;
    return new EpisodeState(
        run + 1,
        open,
        firstSequence,
        r.getLastSequence(),
        startedAt,
        r.getWindowEnd().toEpochMilli(),
        Math.max(peak, p),
        peakHere ? middle(r) : snapshotSequence,
        r.getFirstSequence(),
        quietUntil);
  }

  EpisodeState opened() {
    return new EpisodeState(
        run,
        true,
        firstSequence,
        lastSequence,
        startedAt,
        endedAt,
        peak,
        snapshotSequence,
        lastSeen,
        quietUntil);
  }

  EpisodeState seen(long sequence) {
    return new EpisodeState(
        run,
        open,
        firstSequence,
        lastSequence,
        startedAt,
        endedAt,
        peak,
        snapshotSequence,
        sequence,
        quietUntil);
  }

  private static long middle(Recognition r) {
    return r.getFirstSequence() + (r.getLastSequence() - r.getFirstSequence()) / 2;
  }
}
