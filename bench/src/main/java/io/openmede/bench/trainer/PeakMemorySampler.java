package io.openmede.bench.trainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples the process's resident set size (Linux {@code /proc/self/status} VmRSS) every few
 * milliseconds on a daemon thread and keeps the maximum since the last {@link #reset()}: the peak
 * memory of one benchmark phase, native tensors included. Where /proc is missing, reports the JVM
 * heap in use instead. Thread-safe.
 */
final class PeakMemorySampler implements AutoCloseable {

  private static final Path STATUS = Path.of("/proc/self/status");
  private final AtomicLong peak = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;

  PeakMemorySampler() {
    thread =
        new Thread(
            () -> {
              while (running) {
                sample();
                try {
                  Thread.sleep(5);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "peak-memory-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  /** Whether RSS (rather than heap) is measured. */
  static boolean measuresRss() {
    return Files.isReadable(STATUS);
  }

  static long currentBytes() {
    if (measuresRss()) {
      try {
        for (String line : Files.readAllLines(STATUS)) {
          if (line.startsWith("VmRSS:")) {
            String[] parts = line.trim().split("\\s+");
            return Long.parseLong(parts[1]) * 1024;
          }
        }
      } catch (IOException | RuntimeException e) {
        // fall through to the heap
      }
    }
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  private void sample() {
    long now = currentBytes();
    peak.accumulateAndGet(now, Math::max);
  }

  /** Starts a new phase at the current usage. */
  void reset() {
    peak.set(currentBytes());
  }

  /** Peak since the last reset, in bytes. */
  long peakBytes() {
    sample();
    return peak.get();
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
