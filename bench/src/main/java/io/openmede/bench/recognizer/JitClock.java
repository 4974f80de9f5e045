package io.openmede.bench.recognizer;

import java.util.OptionalLong;

/**
 * Milliseconds of JIT compilation so far: this JVM's (its compilation time) and, when the broker
 * runs in a JVM of its own on this machine, its compiler threads' CPU; both share the stream
 * thread's core.
 *
 * @param brokerPid the broker's process, when it runs here in a JVM of its own
 */
record JitClock(OptionalLong brokerPid) {

  /**
   * The JIT has settled when it compiles for at most this share of the wall-clock time (the warm-up
   * rounds' and the paced lead-in's end).
   */
  static final double SETTLED_SHARE = 0.05;

  /** This JVM's and the broker's, so far. */
  long millis() {
    return ThreadCpu.jitMillis() + brokerMillis();
  }

  /** The broker's so far; 0 when it is not ours. */
  long brokerMillis() {
    return brokerPid.isPresent() ? ThreadCpu.processJitMillis(brokerPid.getAsLong()) : 0;
  }

  /** Whether {@code jitMs} of compilation in {@code wallMs} is settled. */
  static boolean settled(long jitMs, double wallMs) {
    return jitMs <= SETTLED_SHARE * wallMs;
  }

  /** ", of which the broker's N ms" since {@code brokerBefore}, when the broker is ours. */
  String brokerShare(long brokerBefore) {
    return brokerPid.isPresent()
        ? ", of which the broker's " + (brokerMillis() - brokerBefore) + " ms"
        : "";
  }
}
