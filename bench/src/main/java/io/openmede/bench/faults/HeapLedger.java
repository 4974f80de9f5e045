package io.openmede.bench.faults;

import java.util.Map;
import java.util.TreeMap;

/**
 * The heap figures of the campaign's processes: per process, the used heap after a collection at
 * each sample, summed up as the number of samples, the first, the last and the largest (MiB), and
 * judged against a bound. Thread-safe.
 */
final class HeapLedger {

  /** One process's samples so far. */
  record Figures(int samples, double firstMb, double lastMb, double maxMb) {
    Figures add(double mb) {
      return new Figures(samples + 1, firstMb, mb, Math.max(maxMb, mb));
    }
  }

  private final Map<String, Figures> byProcess = new TreeMap<>();

  /** One sample of {@code process}: {@code bytes} of heap in use after a collection. */
  synchronized void sample(String process, long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("heap use " + bytes + " of " + process + " below 0");
    }
    double mb = bytes / (1024.0 * 1024.0);
    byProcess.merge(process, new Figures(1, mb, mb, mb), (old, x) -> old.add(mb));
  }

  /** The figures by process name, sorted. */
  synchronized Map<String, Figures> figures() {
    return new TreeMap<>(byProcess);
  }

  /** The largest sample of any process (MiB), 0 without samples. */
  synchronized double maxMb() {
    return byProcess.values().stream().mapToDouble(Figures::maxMb).max().orElse(0);
  }

  /** The processes whose largest sample exceeds {@code boundMb}, with that sample. */
  synchronized Map<String, Double> over(double boundMb) {
    Map<String, Double> out = new TreeMap<>();
    byProcess.forEach(
        (k, v) -> {
          if (v.maxMb() > boundMb) {
            out.put(k, v.maxMb());
          }
        });
    return out;
  }
}
