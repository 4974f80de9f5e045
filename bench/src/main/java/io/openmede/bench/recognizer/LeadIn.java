package io.openmede.bench.recognizer;

import java.io.PrintStream;

/**
 * The paced phase's lead-in, not measured: segments at the paced rate until JIT compilation takes
 * under {@link JitClock#SETTLED_SHARE} of one, at least {@link PacedSchedule#MIN_LEAD_IN_SEGMENTS}
 * and at most {@link PacedSchedule#MAX_LEAD_IN_SEGMENTS}; the CPU of what follows is measured from
 * its end. Started when constructed; used from the pacing thread.
 */
final class LeadIn {

  private final JitClock jit;
  private final PrintStream out;
  private int segments;
  private long endStep = -1;
  private long endNanos;
  private PhaseCpu cpu;
  private long segmentJit;
  private long segmentBrokerJit;
  private long segmentStarted;

  LeadIn(JitClock jit, PrintStream out) {
    this.jit = jit;
    this.out = out;
    startSegment();
  }

  /** Whether it goes on. */
  boolean running() {
    return endStep < 0;
  }

  /** The step at which it ended. */
  long endStep() {
    return endStep;
  }

  /** When it ended ({@link System#nanoTime()}). */
  long endNanos() {
    return endNanos;
  }

  /** Its segments. */
  int segments() {
    return segments;
  }

  /** The CPU since its end, described; "" while it runs. */
  String cpuSinceEnd() {
    return cpu == null ? "" : cpu.describe();
  }

  /** At step {@code i} a segment ended: prints its JIT share; ends the lead-in when settled. */
  void segmentEnded(long i) {
    segments++;
    long jitMs = jit.millis() - segmentJit;
    double wallMs = (System.nanoTime() - segmentStarted) / 1e6;
    out.printf(
        "  lead-in segment %d: JIT compiling %d ms (%.0f%%)%s%n",
        segments, jitMs, 100 * jitMs / wallMs, jit.brokerShare(segmentBrokerJit));
    if ((JitClock.settled(jitMs, wallMs) && segments >= PacedSchedule.MIN_LEAD_IN_SEGMENTS)
        || segments >= PacedSchedule.MAX_LEAD_IN_SEGMENTS) {
      endStep = i;
      endNanos = System.nanoTime();
      cpu = PhaseCpu.start(jit.brokerPid());
    } else {
      startSegment();
    }
  }

  private void startSegment() {
    segmentJit = jit.millis();
    segmentBrokerJit = jit.brokerMillis();
    segmentStarted = System.nanoTime();
  }
}
