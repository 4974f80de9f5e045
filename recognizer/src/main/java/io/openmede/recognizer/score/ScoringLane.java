package io.openmede.recognizer.score;

import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One scoring thread for the tasks of one stream thread (pipelined scoring): batches run one after
 * the other in submission order. The thread is a daemon and lives as long as the process (a
 * replacement would be created by the stream thread, whose priority may have been lowered by then,
 * and would inherit it); a stream thread that is gone leaves one idle daemon thread behind.
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
    // the thread is kept (daemon): a replacement would be created by the stream thread, whose
    // priority may have been lowered, and would inherit it
  }

  /** Starts the scoring thread now, from the calling thread (whose priority it inherits). */
  void start() {
    executor.prestartCoreThread();
  }

  /** Runs {@code job} after the jobs submitted before it. */
  <T> Future<T> submit(Callable<T> job) {
    return executor.submit(job);
  }
}
