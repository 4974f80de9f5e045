package io.openmede.bench.recognizer;

import static io.openmede.bench.recognizer.Percentiles.percentile;

import io.openmede.recognizer.RecognizerService;
import java.io.PrintStream;
import java.util.List;

/**
 * The paced phase's report: end-to-end latency (frame batch handed to the producer → recognition
 * read) over the measured segments, the part of it inside the topology, where the rest goes, the
 * clients' and the CPU's figures, then the segments ({@link SegmentReport}).
 */
final class PacedReport {

  /**
   * The paced phase's figures (ms).
   *
   * @param p50Ms end to end, p50 over the measured segments
   * @param p99Ms end to end, p99 over the measured segments
   * @param vocabApplyMs the vocabulary change's sending to the first recognition that used it
   * @param segments p99 of the steady, the swap and the quiet segments
   */
  record Latency(double p50Ms, double p99Ms, double vocabApplyMs, SegmentReport.P99 segments) {}

  private PacedReport() {}

  /** Prints the phase's figures and returns them. */
  static Latency print(PacedRun run, RecognizerService service, FrameLoad load, PrintStream out) {
    PacedSchedule schedule = run.schedule();
    List<Arrival> all = run.arrivals();
    double[] lat = all.stream().mapToDouble(Arrival::endToEndMs).toArray();
    out.printf(
        "paced %.0f windows/s for %.1f s: %d recognitions after a lead-in of %d segment(s), %.1f"
            + " s, model now %s%n",
        schedule.rate(),
        schedule.measuredSteps() * schedule.periodNanos() / 1e9,
        all.size(),
        run.leadInSegments(),
        run.leadInSegments() * schedule.segmentNanos() / 1e9,
        service.servingVersion());
    double[] inTopology = all.stream().mapToDouble(Arrival::inTopologyMs).toArray();
    out.printf(
        "  of which in the topology (window complete → recognition forwarded): p50 %.1f ms, p99"
            + " %.1f ms; the rest is the producer, the commit interval and the reader%n",
        percentile(inTopology, 50), percentile(inTopology, 99));
    printLegs(all, out);
    out.printf("  stream thread (paced phase): %s%n", StreamsClientMetrics.streamThread(service));
    out.printf(
        "  Kafka requests (paced phase, per second): %s%n",
        StreamsClientMetrics.requests(service, load.producer()));
    out.printf("  cpu over the measured phase (cores): %s%n", run.cpu());
    SegmentReport.P99 segments = SegmentReport.print(run, out);
    return new Latency(percentile(lat, 50), percentile(lat, 99), run.vocabularyApplyMs(), segments);
  }

  /**
   * Where the end-to-end time goes, per window: before the topology (sent → the window's last frame
   * batch taken by the stream thread: the producer, the broker, the Streams consumer's fetch), in
   * it, and after it (recognition forwarded → read: the wait for the transaction's commit, the
   * commit, the reader's fetch). The recognizer stamps {@code recognizedAt} with the wall clock in
   * milliseconds; the benchmark's nanosecond clock is put on the wall clock once, here.
   */
  private static void printLegs(List<Arrival> all, PrintStream out) {
    long wallMinusNanoMs = System.currentTimeMillis() - System.nanoTime() / 1_000_000;
    double[] before = new double[all.size()];
    double[] after = new double[all.size()];
    for (int i = 0; i < all.size(); i++) {
      Arrival r = all.get(i);
      double sentWallMs = r.sentNanos() / 1e6 + wallMinusNanoMs;
      double readWallMs = r.readNanos() / 1e6 + wallMinusNanoMs;
      double arrivedWallMs = r.recognizedAtMillis() - r.inTopologyMs();
      before[i] = arrivedWallMs - sentWallMs;
      after[i] = readWallMs - r.recognizedAtMillis();
    }
    out.printf(
        "  legs (ms, p50/p90/p99): before the topology %.1f/%.1f/%.1f, after it (commit wait,"
            + " commit, reader) %.1f/%.1f/%.1f%n",
        percentile(before, 50),
        percentile(before, 90),
        percentile(before, 99),
        percentile(after, 50),
        percentile(after, 90),
        percentile(after, 99));
  }
}
