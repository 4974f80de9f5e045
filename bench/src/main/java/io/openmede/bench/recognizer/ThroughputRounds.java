package io.openmede.bench.recognizer;

import io.openmede.recognizer.RecognizerService;
import java.io.PrintStream;
import java.time.Duration;

/**
 * The throughput phase: bare, end to end, bare, ..., bare (machine noise hits both), each
 * end-to-end round against the mean of the bare runs around it, and the bare model on every core
 * before and after the rounds. An end-to-end round: the topology drains a round of frame batches
 * produced while it was paused ({@link #steadyRate}).
 */
final class ThroughputRounds {

  /** The medians over the rounds, and the mean of the two machine runs (windows per second). */
  record Throughput(double bare, double machine, double e2e, double e2eVsBare) {}

  /** Arrivals this close to the first belong to the first burst (the reader polls every 20 ms). */
  static final long BURST_GAP_NANOS = 10_000_000L;

  private final RecognizerService service;
  private final FrameLoad load;
  private final RecognitionReader reader;
  private final BareScorer bare;
  private final JitClock jit;
  private final PrintStream out;

  ThroughputRounds(
      RecognizerService service,
      FrameLoad load,
      RecognitionReader reader,
      BareScorer bare,
      JitClock jit,
      PrintStream out) {
    this.service = service;
    this.load = load;
    this.reader = reader;
    this.bare = bare;
    this.jit = jit;
    this.out = out;
  }

  /** Runs {@code rounds} end-to-end rounds between bare runs; prints each and the medians. */
  Throughput run(int rounds) throws InterruptedException {
    double[] bares = new double[rounds + 1];
    double[] e2es = new double[rounds];
    double[] ratios = new double[rounds];
    out.printf(
        "decoding and preprocessing alone: %.1f windows/s on one thread (the topology's stream"
            + " thread does it while the model runs the previous batch)%n",
        bare.prepareWindowsPerSecond());
    double machineBefore = MachineScorers.windowsPerSecond(bare, out);
    bares[0] = bare.windowsPerSecond();
    out.printf("bare scorer: %.1f windows/s%n", bares[0]);
    for (int round = 0; round < rounds; round++) {
      EndToEnd e = endToEnd();
      e2es[round] = e.steady();
      bares[round + 1] = bare.windowsPerSecond();
      ratios[round] = e2es[round] / ((bares[round] + bares[round + 1]) / 2);
      out.printf(
          "end to end: %.1f windows/s steady (%.3f of the bare runs around it), %.1f windows/s"
              + " from resume to the last recognition; %d model batches of %.1f windows on"
              + " average, scoring busy %.0f%% of the %.2f s%n",
          e2es[round],
          ratios[round],
          e.windows() / e.seconds(),
          e.batches(),
          e.windowsPerBatch(),
          100 * e.scoringSeconds() / e.seconds(),
          e.seconds());
      out.printf("bare scorer: %.1f windows/s%n", bares[round + 1]);
    }
    double machine = (machineBefore + MachineScorers.windowsPerSecond(bare, out)) / 2;
    Throughput t =
        new Throughput(
            Percentiles.median(bares),
            machine,
            Percentiles.median(e2es),
            Percentiles.median(ratios));
    out.printf(
        "median: bare %.1f windows/s, end to end %.1f windows/s, e2e_vs_bare %.3f"
            + " (median of the per-round ratios); the machine (bare on every core, before and"
            + " after the rounds) %.1f windows/s, e2e_vs_machine %.3f%n",
        t.bare(), t.e2e(), t.e2eVsBare(), t.machine(), t.e2e() / t.machine());
    return t;
  }

  /** One end-to-end round and what it measured. */
  private record EndToEnd(
      double steady,
      int windows,
      double seconds,
      long batches,
      double windowsPerBatch,
      double scoringSeconds) {}

  /** Produces a round while the topology is paused, resumes it, waits for every recognition. */
  private EndToEnd endToEnd() throws InterruptedException {
    int total = load.windowsPerRound();
    int before = reader.windowsRead();
    load.produceRound(service);
    ScoringCounters m0 = ScoringCounters.of(service);
    int arrivalsBefore = reader.arrivalCount();
    RoundCpu cpu = RoundCpu.start(jit);
    long t0 = System.nanoTime();
    service.streams().resume();
    reader.awaitWindows(before + total, Duration.ofSeconds(600));
    double seconds = (System.nanoTime() - t0) / 1e9;
    ScoringCounters m1 = ScoringCounters.of(service);
    out.printf("  stream thread: %s%n", StreamsClientMetrics.streamThread(service));
    out.printf("  cpu during the round (s): %s%n", cpu.describe(jit));
    long batches = m1.batches() - m0.batches();
    return new EndToEnd(
        steadyRate(reader.readTimesFrom(arrivalsBefore)),
        total,
        seconds,
        batches,
        (m1.windows() - m0.windows()) / Math.max(1.0, batches),
        m1.scoringSeconds() - m0.scoringSeconds());
  }

  /**
   * Windows per second between the first and the last commit that made recognitions visible:
   * recognitions become readable in bursts, one per transaction, so the windows of the first burst
   * were scored before the first arrival and do not count; the pipeline's fill (resume, first poll)
   * and drain (the last commit interval) are latency, reported by the paced phase.
   *
   * @param arrivals sorted arrival times (ns) of the round's recognitions at the reader
   */
  static double steadyRate(long[] arrivals) {
    int n = arrivals.length;
    if (n < 2) {
      return Double.NaN;
    }
    int firstBurst = 0;
    while (firstBurst < n && arrivals[firstBurst] - arrivals[0] <= BURST_GAP_NANOS) {
      firstBurst++;
    }
    double seconds = (arrivals[n - 1] - arrivals[0]) / 1e9;
    if (firstBurst >= n || seconds <= 0) {
      return Double.NaN;
    }
    return (n - firstBurst) / seconds;
  }
}
