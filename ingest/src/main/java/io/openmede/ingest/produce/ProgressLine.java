package io.openmede.ingest.produce;

import java.io.PrintStream;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Prints the metrics on one line, rewritten in place ({@code \r}) every half second, and a summary
 * line when closed. Owns a daemon thread until {@link #close()}.
 */
public final class ProgressLine implements AutoCloseable {
  private final IngestMetrics metrics;
  private final PrintStream out;
  private final String label;
  private final ScheduledExecutorService timer;

  public ProgressLine(IngestMetrics metrics, PrintStream out, String label) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.out = Objects.requireNonNull(out, "out");
    this.label = label;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ingest-progress");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleAtFixedRate(this::print, 500, 500, TimeUnit.MILLISECONDS);
  }

  private void print() {
    out.print("\r" + label + ": " + metrics.snapshot().line() + "   ");
    out.flush();
  }

  /** Stops updating and prints the final counts on their own line. */
  @Override
  public void close() {
    timer.shutdownNow();
    out.print("\r");
    out.println(label + " done: " + metrics.snapshot().line());
    out.flush();
  }
}
