package io.openmede.recognizer.score;

import io.openmede.model.TorchThreads;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scoring thread for the tasks of one stream thread (pipelined scoring): batches run one after
 * the other in submission order. The thread is a daemon and lives as long as the process (a
 * replacement would be created by the stream thread, whose priority may have been lowered by then,
 * and would inherit it); a stream thread that is gone leaves one idle daemon thread behind. While
 * the stream thread has open tasks the scoring thread may hold a CPU of its own ({@link
 * ThreadPriorities#reserveCpu}); it gives it back when the last task closes.
 *
 * <p>Thread-safe.
 */
final class ScoringLane {

  private static final Logger LOG = LoggerFactory.getLogger(ScoringLane.class);

  private static volatile boolean sharedCpusLogged;

  private final ThreadPoolExecutor executor;
  private final CountDownLatch started = new CountDownLatch(1);

  /** The scoring thread's Linux thread id; -1 before it started or where unknown. */
  private volatile int tid = -1;

  /** Tasks of the stream thread open now (guarded by this). */
  private int openTasks;

  ScoringLane(String threadName) {
    executor =
        new ThreadPoolExecutor(
            1,
            1,
            5,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t =
                  new Thread(
                      () -> {
                        tid = ThreadPriorities.currentThreadId().orElse(-1);
                        started.countDown();
                        r.run();
                      },
                      threadName);
              t.setDaemon(true);
              return t;
            });
    // the thread is kept (daemon): a replacement would be created by the stream thread, whose
    // priority may have been lowered, and would inherit it
  }

  /**
   * Starts the scoring thread now, from the calling thread (whose priority it inherits), if not yet
   * started.
   */
  void start() {
    executor.prestartCoreThread();
    try {
      started.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A task of the stream thread opened; with {@code ownCpu}, the first open task gives the scoring
   * thread a CPU of its own if one can be reserved and libtorch runs one intra-op thread (its
   * OpenMP workers would otherwise inherit the single CPU).
   */
  synchronized void taskOpened(boolean ownCpu) {
    if (openTasks++ > 0 || !ownCpu || tid <= 0) {
      return;
    }
    if (!TorchThreads.singleThreaded()) {
      if (!sharedCpusLogged) {
        sharedCpusLogged = true;
        LOG.info(
            "scoring threads share the CPUs with the other threads: libtorch runs several intra-op"
                + " threads (recognizer.model.threads=1 gives each scoring thread a CPU of its"
                + " own)");
      }
      return;
    }
    ThreadPriorities.reserveCpu(tid);
  }

  /** A task of the stream thread closed; after the last one the CPU is shared again. */
  synchronized void taskClosed() {
    if (openTasks > 0 && --openTasks == 0 && tid > 0) {
      ThreadPriorities.releaseCpu(tid);
    }
  }

  /** Runs {@code job} after the jobs submitted before it. */
  <T> Future<T> submit(Callable<T> job) {
    return executor.submit(job);
  }
}
