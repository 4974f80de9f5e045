package io.openmede.recognizer.score;

import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One scoring thread for the tasks of one stream thread (pipelined scoring): batches run one after
 * the other in submission order. The thread is a daemon and ends after a few idle seconds, so a
 * lane of a stream thread that is gone leaves nothing behind.
 *
 * <p>Thread-safe.
 */
final class ScoringLane {

  private final ThreadPoolExecutor executor;
  private final AtomicInteger queued = new AtomicInteger();

  ScoringLane(String threadName) {
    executor =
        new ThreadPoolExecutor(
            1,
            1,
            5,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
    executor.allowCoreThreadTimeOut(true);
  }

  /** Runs {@code job} after the jobs submitted before it. */
  <T> Future<T> submit(Callable<T> job) {
    queued.incrementAndGet();
    return executor.submit(
        () -> {
          try {
            return job.call();
          } finally {
            queued.decrementAndGet();
          }
        });
  }

  /** Whether no job is queued or running. */
  boolean idle() {
    return queued.get() == 0;
  }
}
