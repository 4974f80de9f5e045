package io.openmede.recognizer.score;

import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One scoring thread for the tasks of one stream thread (pipelined scoring): batches run one after
 * the other in submission order. The thread is a daemon and ends after a few idle seconds, so a
 * lane of a stream thread that is gone leaves nothing behind.
 *
 * <p>Thread-safe.
 */
final class ScoringLane {

  private final ThreadPoolExecutor executor;

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
    return executor.submit(job);
  }
}
