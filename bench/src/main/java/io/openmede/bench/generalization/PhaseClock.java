package io.openmede.bench.generalization;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Wall and CPU time spent per phase of a benchmark run (rendering, training, scoring), so that a
 * reader sees where the time goes. A lap's CPU time is its thread's: with one libtorch intra-op
 * thread each model operation runs on the calling thread and counts; libtorch's own worker threads
 * (more intra-op threads) do not. On a machine shared with other work CPU time is the fairer cost,
 * wall time the one a user waits for; laps on several threads overlap, so their wall times add up
 * to more than the run's. Thread-safe.
 */
final class PhaseClock {

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final Map<String, long[]> totals = new LinkedHashMap<>();

  /** One timed stretch of a phase on one thread; closing it adds its times to the phase. */
  final class Lap implements AutoCloseable {
    private final String phase;
    private final long wall0 = System.nanoTime();
    private final long cpu0 = threads.getCurrentThreadCpuTime();

    private Lap(String phase) {
      this.phase = phase;
    }

    /** Closes the lap; must be called on the thread that started it. */
    @Override
    public void close() {
      long wall = System.nanoTime() - wall0;
      long cpu = threads.getCurrentThreadCpuTime() - cpu0;
      synchronized (totals) {
        long[] t = totals.computeIfAbsent(phase, p -> new long[2]);
        t[0] += wall;
        t[1] += cpu;
      }
    }
  }

  /** Starts a lap of {@code phase} on this thread; a thread's laps must not overlap. */
  Lap lap(String phase) {
    return new Lap(phase);
  }

  /** One line: each phase's wall and CPU seconds, e.g. {@code render 12 s (cpu 11 s), ...}. */
  String summary() {
    StringJoiner out = new StringJoiner(", ");
    synchronized (totals) {
      totals.forEach(
          (phase, t) ->
              out.add(
                  String.format(
                      Locale.ROOT, "%s %.0f s (cpu %.0f s)", phase, t[0] / 1e9, t[1] / 1e9)));
    }
    return out.toString();
  }
}
