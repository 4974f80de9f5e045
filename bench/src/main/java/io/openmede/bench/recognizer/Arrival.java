package io.openmede.bench.recognizer;

import java.util.List;

/**
 * One recognition read back by the benchmark's reader, of a window whose frame batch the benchmark
 * sent.
 *
 * @param sentNanos when the window's frame batch was handed to the producer ({@link
 *     System#nanoTime()})
 * @param readNanos when the reader got the recognition ({@link System#nanoTime()})
 * @param inTopologyMicros the recognition's own processing latency: window complete → recognition
 *     forwarded (µs)
 * @param recognizedAtMillis the recognizer's wall-clock stamp of the recognition (epoch ms)
 */
record Arrival(long sentNanos, long readNanos, long inTopologyMicros, long recognizedAtMillis) {

  /** Sent → read (ms). */
  double endToEndMs() {
    return (readNanos - sentNanos) / 1e6;
  }

  /** Window complete → recognition forwarded (ms). */
  double inTopologyMs() {
    return inTopologyMicros / 1000.0;
  }

  /** End-to-end latencies (ms) of the windows sent in [{@code from}, {@code to}) (ns). */
  static double[] endToEndMs(List<Arrival> arrivals, long from, long to) {
    return arrivals.stream()
        .filter(r -> r.sentNanos >= from && r.sentNanos < to)
        .mapToDouble(Arrival::endToEndMs)
        .toArray();
  }

  /** In-topology latencies (ms) of the windows sent in [{@code from}, {@code to}) (ns). */
  static double[] inTopologyMs(List<Arrival> arrivals, long from, long to) {
    return arrivals.stream()
        .filter(r -> r.sentNanos >= from && r.sentNanos < to)
        .mapToDouble(Arrival::inTopologyMs)
        .toArray();
  }
}
