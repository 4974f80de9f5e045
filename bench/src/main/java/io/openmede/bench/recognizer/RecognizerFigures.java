package io.openmede.bench.recognizer;

import java.util.Locale;

/** The recognizer benchmark's figures: windows per second and milliseconds. */
public record RecognizerFigures(
    double bareWindowsPerSecond,
    double machineWindowsPerSecond,
    double e2eWindowsPerSecond,
    double e2eVsBare,
    double p50Ms,
    double p99Ms,
    double vocabApplyMs,
    double steadyP99Ms,
    double swapP99Ms,
    double quietP99Ms,
    double firstSwapP99Ms) {

  /** The throughput phase's and the paced phase's figures together. */
  static RecognizerFigures of(ThroughputRounds.Throughput t, PacedReport.Latency l) {
    return new RecognizerFigures(
        t.bare(),
        t.machine(),
        t.e2e(),
        t.e2eVsBare(),
        l.p50Ms(),
        l.p99Ms(),
        l.vocabApplyMs(),
        l.segments().steadyMs(),
        l.segments().swapMs(),
        l.segments().quietMs(),
        l.segments().firstSwapMs());
  }

  /** The median swap segment's p99 against the steady segment's. */
  public double swapP99Ratio() {
    return swapP99Ms / steadyP99Ms;
  }

  /**
   * The first measured swap's segment p99 against the steady segment's: without the paced lead-in's
   * rehearsal ({@code --no-rehearsal}), how the first swap of a freshly started recognizer does.
   */
  public double firstSwapP99Ratio() {
    return firstSwapP99Ms / steadyP99Ms;
  }

  /**
   * The median quiet segment's p99 (the same length, just before a swap, no event) against the
   * steady segment's: what {@link #swapP99Ratio} reads without any swap.
   */
  public double quietP99Ratio() {
    return quietP99Ms / steadyP99Ms;
  }

  /** End-to-end throughput against the bare model on every core. */
  public double e2eVsMachine() {
    return e2eWindowsPerSecond / machineWindowsPerSecond;
  }

  /** The figures in words, before the last line. */
  public String summaryLine() {
    return String.format(
        "bare %.1f windows/s, end to end %.1f windows/s; latency p50 %.1f ms p99 %.1f ms;"
            + " vocabulary applied in %.1f ms; p99 steady %.1f ms, during a swap %.1f ms, quiet"
            + " %.1f ms (medians), first swap %.1f ms",
        bareWindowsPerSecond,
        e2eWindowsPerSecond,
        p50Ms,
        p99Ms,
        vocabApplyMs,
        steadyP99Ms,
        swapP99Ms,
        quietP99Ms,
        firstSwapP99Ms);
  }

  /** The benchmark's last line. */
  public String resultLine() {
    return String.format(
        Locale.ROOT,
        "RESULT e2e_vs_bare=%.3f e2e_vs_machine=%.3f p50_ms=%.1f p99_ms=%.1f vocab_apply_ms=%.1f"
            + " swap_p99_ratio=%.2f quiet_p99_ratio=%.2f first_swap_p99_ratio=%.2f",
        e2eVsBare(),
        e2eVsMachine(),
        p50Ms,
        p99Ms,
        vocabApplyMs,
        swapP99Ratio(),
        quietP99Ratio(),
        firstSwapP99Ratio());
  }
}
