package io.openmede.recognizer.score;

import io.openmede.model.TorchThreads;
import io.openmede.recognizer.threads.ThreadPriorities;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One scoring thread for the tasks of one stream thread (pipelined scoring): batches run one after
 * the other in submission order. The thread is a daemon and lives as long as the process (a
 * replacement would be created by the stream thread, whose priority may have been lowered by then,
 * and would inherit it); a stream thread that is gone leaves one idle daemon thread behind. While
 * the stream thread has open tasks the scoring thread may hold a CPU of its own ({@link
 * ThreadPriorities#reserveCpu}); it gives it back when the last task closes.
 *
 * <p>A lane with a CPU of its own may also have a <em>spare</em> scoring thread on the CPUs left to
 * the other threads, at the stream thread's priority: a batch goes to the spare thread only when
 * the own thread has a backlog ({@link #SPARE_BACKLOG} batches submitted and not done) and the
 * spare one is idle, and waits for the own thread otherwise. Under a light load the spare thread
 * stays idle: it is slower (it shares its CPUs with the stream thread and the Kafka clients), and a
 * batch on it would hold back the results of the batches after it. The spare thread runs only on
 * CPU time the stream thread, the Kafka clients and the JVM leave over, so on a machine whose other
 * cores are partly idle the model gets them too. Results still leave in the order the batches were
 * taken ({@link InFlightBatches}).
 *
 * <p>Thread-safe.
 */
final class ScoringLane {

  /** Batches the own thread must have pending (one running, one waiting) before the spare helps. */
  static final int SPARE_BACKLOG = 2;

  private final ThreadPoolExecutor executor;
  private final CountDownLatch started = new CountDownLatch(1);
  private final boolean ownCpu;
  private final Runnable sharingCpus;

  /** The spare scoring thread, if the lane was given one; used only while the lane owns a CPU. */
  private final Optional<ThreadPoolExecutor> spare;

  private final CountDownLatch spareStarted = new CountDownLatch(1);

  /** Batches submitted to the own and to the spare thread and not yet done. */
  private final AtomicInteger ownPending = new AtomicInteger();

  private final AtomicInteger sparePending = new AtomicInteger();

  /** Batches the spare thread scored (tests, logs). */
  private final AtomicInteger spareScored = new AtomicInteger();

  /** Whether batches may go to the spare thread now (the own thread holds a CPU). */
  private volatile boolean spareInUse;

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
   * @param spare whether the lane has a spare scoring thread for the CPUs it does not own (at the
   *     stream thread's priority, {@code nice})
   * @param sharingCpus runs when it may not, because libtorch runs several intra-op threads
   */
  static ScoringLane startFor(
      String streamThread, int nice, boolean ownCpu, boolean spare, Runnable sharingCpus) {
    ScoringLane lane =
        new ScoringLane(
            streamThread + "-scorer",
            ownCpu,
            spare ? OptionalInt.of(nice) : OptionalInt.empty(),
            sharingCpus);
    lane.start();
    if (nice > 0) {
      ThreadPriorities.lowerCurrentAndBackgroundThreads(nice);
    }
    return lane;
  }

  /**
   * @param spareNice the nice value of a spare scoring thread, empty for none
   */
  ScoringLane(String threadName, boolean ownCpu, OptionalInt spareNice, Runnable sharingCpus) {
    this.ownCpu = ownCpu;
    this.sharingCpus = sharingCpus;
    executor =
        singleThread(
            threadName,
            () -> {
              tid = ThreadPriorities.currentThreadId().orElse(-1);
              started.countDown();
            });
    this.spare =
        spareNice.isPresent() && ownCpu
            ? Optional.of(
                singleThread(
                    threadName + "-spare",
                    () -> {
                      // on the other CPUs as one of the stream thread's peers, not above it
                      if (spareNice.getAsInt() > 0) {
                        ThreadPriorities.lowerCurrentThread(spareNice.getAsInt());
                      }
                      spareStarted.countDown();
                    }))
            : Optional.empty();
    // the threads are kept (daemons): a replacement would be created by the stream thread, whose
    // priority may have been lowered, and would inherit it
  }

  private static ThreadPoolExecutor singleThread(String name, Runnable onStart) {
    return new ThreadPoolExecutor(
        1,
        1,
        5,
        TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(),
        r -> {
          Thread t =
              new Thread(
                  () -> {
                    onStart.run();
                    r.run();
                  },
                  name);
          t.setDaemon(true);
          return t;
        });
  }

  /**
   * Starts the scoring thread now, from the calling thread (whose priority it inherits), if not yet
   * started.
   */
  void start() {
    executor.prestartCoreThread();
    spare.ifPresent(ThreadPoolExecutor::prestartCoreThread);
    try {
      started.await(10, TimeUnit.SECONDS);
      if (spare.isPresent()) {
        spareStarted.await(10, TimeUnit.SECONDS);
      }
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
    spareInUse = ThreadPriorities.reserveCpu(tid).isPresent() && spare.isPresent();
  }

  /** A task of the stream thread closed; after the last one the CPU is shared again. */
  synchronized void taskClosed() {
    if (openTasks > 0 && --openTasks == 0 && tid > 0) {
      spareInUse = false;
      ThreadPriorities.releaseCpu(tid);
    }
  }

  /**
   * Runs {@code job} on the lane's own thread, after the jobs submitted to it before, or on the
   * spare thread when that is in use and idle and the own thread has a backlog. Call it from one
   * thread (the stream thread): jobs may complete out of submission order, callers keep the order.
   */
  <T> Future<T> submit(Callable<T> job) {
    if (spareInUse && ownPending.get() >= SPARE_BACKLOG && sparePending.get() == 0) {
      sparePending.incrementAndGet();
      return spare.get().submit(counted(job, sparePending, true));
    }
    ownPending.incrementAndGet();
    return executor.submit(counted(job, ownPending, false));
  }

  /** Whether no batch is submitted and not done, on the own thread or the spare one. */
  boolean idle() {
    return ownPending.get() == 0 && sparePending.get() == 0;
  }

  /** Whether batches go to a spare thread too (its own thread holds a CPU and has a spare). */
  boolean spareInUse() {
    return spareInUse;
  }

  /** How many batches the spare thread has scored. */
  int spareScored() {
    return spareScored.get();
  }

  /** Enables the spare thread regardless of CPU reservation (tests only). */
  void useSpareForTest() {
    spareInUse = spare.isPresent();
  }

  private <T> Callable<T> counted(Callable<T> job, AtomicInteger pending, boolean onSpare) {
    return () -> {
      try {
        T result = job.call();
        if (onSpare) {
          spareScored.incrementAndGet();
        }
        return result;
      } finally {
        pending.decrementAndGet();
      }
    };
  }
}
