package io.openmede.schemas.values;

import java.time.Duration;
import java.util.Optional;

/**
 * How far one record may move a stream's position (its highest frame sequence and latest time) that
 * a service keeps in state: a record from a topic that others write must not carry a stream
 * somewhere its real records never reach again. A frame numbered near the top of the long range
 * would make every later real frame "late", forever; a recognition ending in year 9999 would put
 * every later window inside a cooldown.
 *
 * <p>A record whose last sequence is more than {@code maxSequenceJump} ahead of (or behind) the
 * stream's highest accepted sequence, or whose time is more than {@code maxTimeJump} ahead of the
 * stream's latest accepted time, is out of bounds: it is refused and the position stays. A stream
 * whose numbering really restarted (a camera replaced, a topic recreated) is taken up again when
 * nothing of it has been accepted for {@code resyncAfter} and an out-of-bounds record comes: the
 * service starts the stream afresh from that record. An injected record therefore mutes nothing
 * while the real stream flows, and a real restart is followed after {@code resyncAfter}.
 *
 * @param maxSequenceJump the largest move of the sequence, in frames
 * @param maxTimeJump the largest move of the time ahead
 * @param resyncAfter how long a stream must have had nothing accepted before an out-of-bounds
 *     record starts it afresh
 */
public record StreamBounds(long maxSequenceJump, Duration maxTimeJump, Duration resyncAfter) {

  /** 100,000 frames (about 55 minutes at 30 frames/s), 10 minutes, 60 seconds. */
  public static final StreamBounds DEFAULT =
      new StreamBounds(100_000, Duration.ofMinutes(10), Duration.ofSeconds(60));

  static final String MAX_SEQUENCE_JUMP_SETTING = "streams.max-sequence-jump";
  static final String MAX_TIME_JUMP_SETTING = "streams.max-time-jump";
  static final String RESYNC_AFTER_SETTING = "streams.resync-after";

  public StreamBounds {
    if (maxSequenceJump < 1) {
      throw new IllegalArgumentException(
          MAX_SEQUENCE_JUMP_SETTING + " " + maxSequenceJump + " must be at least 1");
    }
    if (maxTimeJump.isNegative() || maxTimeJump.isZero()) {
      throw new IllegalArgumentException(
          MAX_TIME_JUMP_SETTING + " " + maxTimeJump + " must be positive");
    }
    if (resyncAfter.isNegative()) {
      throw new IllegalArgumentException(
          RESYNC_AFTER_SETTING + " " + resyncAfter + " must not be negative");
    }
  }

  /** What to do with a record. */
  public enum Verdict {
    /** Within bounds: apply it. */
    ACCEPT,
    /** Out of bounds: refuse it; the stream's position stays. */
    REFUSE,
    /** Out of bounds, and nothing of the stream was accepted for a while: start it afresh. */
    RESYNC
  }

  /** A verdict and, unless it is {@link Verdict#ACCEPT}, why. */
  public record Judgement(Verdict verdict, String reason) {
    static final Judgement ACCEPTED = new Judgement(Verdict.ACCEPT, "");
  }

  /**
   * The stream's position as a service keeps it.
   *
   * @param sequence the highest accepted frame sequence
   * @param timeMs the latest accepted time (capture time, or a window's start), epoch ms
   * @param acceptedAtMs when a record was last accepted, by the service's clock, epoch ms
   */
  public record Position(long sequence, long timeMs, long acceptedAtMs) {}

  /**
   * Judges a record of a stream that has a position.
   *
   * @param at the stream's position
   * @param sequence the record's highest frame sequence
   * @param timeMs the record's latest time, epoch ms
   * @param nowMs the service's clock, epoch ms
   */
  public Judgement judge(Position at, long sequence, long timeMs, long nowMs) {
    Optional<String> out = outOfBounds(at, sequence, timeMs);
    if (out.isEmpty()) {
      return Judgement.ACCEPTED;
    }
    long quietMs = nowMs - at.acceptedAtMs();
    if (quietMs >= resyncAfter.toMillis()) {
      return new Judgement(
          Verdict.RESYNC,
          out.get()
              + "; nothing of the stream was accepted for "
              + Duration.ofMillis(quietMs).toSeconds()
              + " s ("
              + RESYNC_AFTER_SETTING
              + "="
              + resyncAfter
              + "), so the stream starts afresh here");
    }
    return new Judgement(
        Verdict.REFUSE,
        out.get()
            + "; refused, the stream's position stays (a stream whose numbering really restarted is"
            + " taken up after "
            + resyncAfter.toSeconds()
            + " s with nothing accepted, "
            + RESYNC_AFTER_SETTING
            + ")");
  }

  private Optional<String> outOfBounds(Position at, long sequence, long timeMs) {
    long ahead = distance(sequence, at.sequence());
    if (ahead > maxSequenceJump) {
      return Optional.of(
          "sequence "
              + sequence
              + " is "
              + describe(ahead)
              + " frames ahead of the stream's position "
              + at.sequence()
              + ", over "
              + MAX_SEQUENCE_JUMP_SETTING
              + "="
              + maxSequenceJump);
    }
    long behind = distance(at.sequence(), sequence);
    if (behind > maxSequenceJump) {
      return Optional.of(
          "sequence "
              + sequence
              + " is "
              + describe(behind)
              + " frames behind the stream's position "
              + at.sequence()
              + ", over "
              + MAX_SEQUENCE_JUMP_SETTING
              + "="
              + maxSequenceJump);
    }
    long later = distance(timeMs, at.timeMs());
    if (later > maxTimeJump.toMillis()) {
      return Optional.of(
          "time "
              + timeMs
              + " ms is "
              + describe(later)
              + " ms ahead of the stream's latest "
              + at.timeMs()
              + " ms, over "
              + MAX_TIME_JUMP_SETTING
              + "="
              + maxTimeJump);
    }
    return Optional.empty();
  }

  /** {@code a - b} when positive, without overflow ({@link Long#MAX_VALUE} when it overflows). */
  static long distance(long a, long b) {
    if (a <= b) {
      return 0;
    }
    long d = a - b;
    return d < 0 ? Long.MAX_VALUE : d;
  }

  private static String describe(long d) {
    return d == Long.MAX_VALUE ? "more than " + Long.MAX_VALUE : Long.toString(d);
  }
}
