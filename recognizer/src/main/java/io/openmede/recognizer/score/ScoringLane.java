package io.openmede.recognizer.score;

import io.openmede.model.TorchThreads;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

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

  private final ThreadPoolExecutor executor;
  private final CountDownLatch started = new CountDownLatch(1);
  private final boolean ownCpu;
  private final Runnable sharingCpus;

  /** The scoring thread's Linux thread id; -1 before it started or where unknown. */
  private volatile int tid = -1;

  /** Tasks of the stream thread open now (guarded by this). */
  private int openTasks;

  /**
   * The lane of the calling stream thread, named {@code streamThread}: its scoring thread is
   * started first, so that it keeps the process's priority (a thread inherits its creator's nice
   * value); then, with {@code nice > 0}, the calling stream thread and the JVM's background threads
   * step back by {@code nice}: on shared cores the model keeps its core.
   *
   * @param ownCpu whether the lane reserves a CPU of its own while the stream thread has tasks
   * @param sharingCpus runs when it may not, because libtorch runs several intra-op threads
   */
  static ScoringLane startFor(String streamThread, int nice, boolean ownCpu, Runnable sharingCpus) {
    ScoringLane lane = new ScoringLane(streamThread + "-scorer", ownCpu, sharingCpus);
    lane.start();
    if (nice > 0) {
      ThreadPriorities.lowerCurrentAndBackgroundThreads(nice);
    }
    return lane;
  }

  ScoringLane(String threadName, boolean ownCpu, Runnable sharingCpus) {
    this.ownCpu = ownCpu;
    this.sharingCpus = sharingCpus;
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
   * A task of the stream thread opened; if the lane may own a CPU, the first open task gives the
   * scoring thread a CPU of its own if one can be reserved and libtorch runs one intra-op thread
   * (its OpenMP workers would otherwise inherit the single CPU).
   */
  synchronized void taskOpened() {
    if (openTasks++ > 0 || !ownCpu || tid <= 0) {
      return;
    }
    if (!TorchThreads.singleThreaded()) {
      sharingCpus.run();
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
