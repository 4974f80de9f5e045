package io.openmede.bench.recognizer;

import static io.openmede.bench.recognizer.Percentiles.percentile;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The paced phase's segments: steady state (every segment without an event, pooled: the first, and
 * the quiet one before each swap), the vocabulary change's, the p99 and the JIT's share of every
 * segment in order, and each swap's p99 and its quiet segment's against steady (the first swap's on
 * its own as well: without the lead-in's rehearsal it is the recognizer's first).
 */
final class SegmentReport {

  /**
   * End-to-end p99s (ms).
   *
   * @param steadyMs the event-free segments pooled
   * @param swapMs the median over the swaps' segments
   * @param quietMs the median over the quiet segments before them
   * @param firstSwapMs the first measured swap's segment (without the lead-in's rehearsal, the
   *     recognizer's first swap)
   */
  record P99(double steadyMs, double swapMs, double quietMs, double firstSwapMs) {}

  private SegmentReport() {}

  /** Prints the segments' figures and returns the p99s. */
  static P99 print(PacedRun run, PrintStream out) {
    List<Arrival> all = run.arrivals();
    long segmentNanos = run.schedule().segmentNanos();
    long vocabSent = run.vocabularySentAt();
    long[] swapSentAt = run.swapSentAt();
    List<Arrival> eventFree = new ArrayList<>();
    List<Arrival> first = new ArrayList<>();
    for (Arrival r : all) {
      boolean quiet = r.sentNanos() < vocabSent;
      if (quiet) {
        first.add(r);
      }
      for (long at : swapSentAt) {
        quiet |= r.sentNanos() >= at - segmentNanos && r.sentNanos() < at;
      }
      if (quiet) {
        eventFree.add(r);
      }
    }
    double steadyP99 = p99(Arrival.endToEndMs(eventFree, Long.MIN_VALUE, Long.MAX_VALUE));
    out.printf(
        "  steady (the %d segments of %.1f s without an event, pooled): p99 %.1f ms end to end,"
            + " %.1f ms in the topology; the first segment alone %.1f ms%n",
        1 + swapSentAt.length,
        segmentNanos / 1e9,
        steadyP99,
        p99(Arrival.inTopologyMs(eventFree, Long.MIN_VALUE, Long.MAX_VALUE)),
        p99(Arrival.endToEndMs(first, Long.MIN_VALUE, Long.MAX_VALUE)));
    out.printf(
        "  vocabulary change: p99 %.1f ms end to end, %.1f ms in the topology (the %.1f s from"
            + " its sending)%n",
        p99(Arrival.endToEndMs(all, vocabSent, vocabSent + segmentNanos)),
        p99(Arrival.inTopologyMs(all, vocabSent, vocabSent + segmentNanos)),
        segmentNanos / 1e9);
    printInOrder(run, out);
    return printSwaps(all, swapSentAt, segmentNanos, steadyP99, out);
  }

  /** The p99 and the JIT's share of every measured segment, in order. */
  private static void printInOrder(PacedRun run, PrintStream out) {
    long segmentNanos = run.schedule().segmentNanos();
    long end = run.leadInEnd() + run.schedule().measured().size() * segmentNanos;
    StringBuilder bySegment = new StringBuilder();
    for (long from = run.leadInEnd(); from < end; from += segmentNanos) {
      bySegment.append(
          String.format(
              Locale.ROOT,
              " %.0f",
              p99(Arrival.endToEndMs(run.arrivals(), from, from + segmentNanos))));
    }
    out.printf("  p99 end to end by segment, in order (ms):%s%n", bySegment);
    List<Long> jitMs = run.segmentJitMs();
    StringBuilder jitBySegment = new StringBuilder();
    for (int k = 1; k < jitMs.size(); k++) {
      jitBySegment.append(
          String.format(
              Locale.ROOT,
              " %.0f%%",
              100.0 * (jitMs.get(k) - jitMs.get(k - 1)) / (segmentNanos / 1e6)));
    }
    out.printf(
        "  JIT compiling by segment (this JVM and the broker's, share of the segment):%s%n",
        jitBySegment);
  }

  /** Each swap's segment and the quiet one before it, against steady; their medians. */
  private static P99 printSwaps(
      List<Arrival> all, long[] swapSentAt, long segmentNanos, double steadyP99, PrintStream out) {
    double[] swapP99 = new double[swapSentAt.length];
    double[] quietP99 = new double[swapSentAt.length];
    for (int k = 0; k < swapSentAt.length; k++) {
      long at = swapSentAt[k];
      swapP99[k] = p99(Arrival.endToEndMs(all, at, at + segmentNanos));
      quietP99[k] = p99(Arrival.endToEndMs(all, at - segmentNanos, at));
      out.printf(
          "  swap %d: p99 %.1f ms end to end (%.2f of steady), %.1f ms in the topology; the %.1f"
              + " s before it, no event: %.1f ms (%.2f), %.1f ms in the topology%n",
          k + 1,
          swapP99[k],
          swapP99[k] / steadyP99,
          p99(Arrival.inTopologyMs(all, at, at + segmentNanos)),
          segmentNanos / 1e9,
          quietP99[k],
          quietP99[k] / steadyP99,
          p99(Arrival.inTopologyMs(all, at - segmentNanos, at)));
    }
    return new P99(
        steadyP99, Percentiles.median(swapP99), Percentiles.median(quietP99), swapP99[0]);
  }

  private static double p99(double[] values) {
    return percentile(values, 99);
  }
}
