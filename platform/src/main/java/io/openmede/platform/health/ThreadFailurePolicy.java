package io.openmede.platform.health;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a Kafka Streams service replaces a stream thread that failed, or stops its client (which
 * then goes to ERROR: the service says it is not live and exits). A thread is replaced unless
 * failures repeat too often ({@code max} within {@code per}: an input topic deleted, a state
 * directory gone), or repeat {@code maxWithoutProgress} times in a row with nothing read in
 * between, however slowly (a broker that refuses the service's transactions fails each replacement
 * only after the group's session timeout). Thread-safe.
 */
public final class ThreadFailurePolicy {

  private static final Logger LOG = LoggerFactory.getLogger(ThreadFailurePolicy.class);

  private final String service;
  private final int max;
  private final Duration per;
  private final int maxWithoutProgress;
  private final LongSupplier progress;
  private final String progressName;
  private final ArrayDeque<Long> recent = new ArrayDeque<>();
  private long progressAtLastFailure = Long.MIN_VALUE;
  private int withoutProgress;

  /**
   * @param service the service's name, for the log
   * @param max replacements allowed within {@code per}
   * @param maxWithoutProgress failures in a row allowed while {@code progress} stays the same
   * @param progress a count that grows while the service works
   * @param progressName what {@code progress} counts, for the log ("frame batch", "recognition")
   */
  public ThreadFailurePolicy(
      String service,
      int max,
      Duration per,
      int maxWithoutProgress,
      LongSupplier progress,
      String progressName) {
    this.service = service;
    this.max = max;
    this.per = per;
    this.maxWithoutProgress = maxWithoutProgress;
    this.progress = progress;
    this.progressName = progressName;
  }

  /** Judges one failure: true to replace the thread, false to stop the client. */
  public synchronized boolean replace(Throwable e) {
    long now = System.nanoTime();
    while (!recent.isEmpty() && now - recent.peekFirst() > per.toNanos()) {
      recent.removeFirst();
    }
    recent.addLast(now);
    long p = progress.getAsLong();
    withoutProgress = p == progressAtLastFailure ? withoutProgress + 1 : 1;
    progressAtLastFailure = p;
    if (recent.size() > max) {
      LOG.error(
          "{}: stream thread failed again ({} times within {}); stopping Kafka Streams: the"
              + " service is no longer live",
          service,
          recent.size(),
          per,
          e);
      return false;
    }
    if (withoutProgress >= maxWithoutProgress) {
      LOG.error(
          "{}: stream thread failed again ({} times in a row with no {} read in between);"
              + " stopping Kafka Streams: the service is no longer live",
          service,
          withoutProgress,
          progressName,
          e);
      return false;
    }
    LOG.error("{}: stream thread failed; replacing it", service, e);
    return true;
  }
}
