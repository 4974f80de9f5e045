package io.openmede.bench.generalization;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Wall and process CPU time spent per phase of a benchmark run (rendering, training, scoring), so
 * that a reader sees where the time goes. CPU time is the whole process's (libtorch's threads
 * included): on a machine shared with other work it is the fairer cost, wall time the one a user
 * waits for. Not thread-safe: one run, one thread.
 */
final class PhaseClock {

  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final Map<String, long[]> totals = new LinkedHashMap<>();

  /** One timed stretch of a phase; closing it adds its wall and CPU time to the phase. */
  final class Lap implements AutoCloseable {
    private final String phase;
    private final long wall0 = System.nanoTime();
    private final long cpu0 = os.getProcessCpuTime();

    private Lap(String phase) {
      this.phase = phase;
    }

    @Override
    public void close() {
      long[] t = totals.computeIfAbsent(phase, p -> new long[2]);
      t[0] += System.nanoTime() - wall0;
      t[1] += os.getProcessCpuTime() - cpu0;
    }
  }

  /** Starts a lap of {@code phase}; laps of one clock must not overlap. */
  Lap lap(String phase) {
    return new Lap(phase);
  }

  /** Seconds of wall time spent in {@code phase} so far (0 when none). */
  double wallSeconds(String phase) {
    return totals.getOrDefault(phase, new long[2])[0] / 1e9;
  }

  /** Seconds of process CPU time spent in {@code phase} so far (0 when none). */
  double cpuSeconds(String phase) {
    return totals.getOrDefault(phase, new long[2])[1] / 1e9;
  }

  /** One line: each phase's wall and CPU seconds, e.g. {@code render 12 s (cpu 11 s), ...}. */
  String summary() {
    StringJoiner out = new StringJoiner(", ");
    totals.forEach(
        (phase, t) ->
            out.add(
                String.format(
                    Locale.ROOT, "%s %.0f s (cpu %.0f s)", phase, t[0] / 1e9, t[1] / 1e9)));
    return out.toString();
  }
}
