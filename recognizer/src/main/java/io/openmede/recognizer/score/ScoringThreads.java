package io.openmede.recognizer.score;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each stream thread of one topology has for scoring, shared by the thread's tasks: a busy
 * clock and, when pipelined, its {@link ScoringLane}. One per topology; thread-safe.
 */
public final class ScoringThreads {

  private static final Logger LOG = LoggerFactory.getLogger(ScoringThreads.class);

  /** One stream thread's scoring: its lane (pipelined mode) and how long it was busy scoring. */
  static final class StreamThread {
    private final Optional<ScoringLane> lane;
    private final AtomicLong busyNanos = new AtomicLong();

    private StreamThread(Optional<ScoringLane> lane) {
      this.lane = lane;
    }

    /** The scoring thread of this stream thread; empty when batches are scored on it. */
    Optional<ScoringLane> lane() {
      return lane;
    }

    /**
     * Nanoseconds this stream thread spent scoring on itself or waiting for its lane, over all its
     * tasks: the time a waiting window's delay does not count.
     */
    long busyNanos() {
      return busyNanos.get();
    }

    void addBusy(long nanos) {
      busyNanos.addAndGet(nanos);
    }
  }

  private final ScoringMode mode;
  private final int nice;
  private final boolean ownCpu;
  private final boolean spare;
  private final Map<String, StreamThread> threads = new ConcurrentHashMap<>();
  private final AtomicBoolean sharingLogged = new AtomicBoolean();

  /**
   * @param mode where batches are scored
   * @param nice how far a pipelined stream thread lowers its priority below its lane's (0: not)
   * @param ownCpu whether a lane may reserve a CPU of its own while its stream thread has tasks
   * @param spare whether a lane with a CPU of its own also scores on the other CPUs' spare time
   */
  public ScoringThreads(ScoringMode mode, int nice, boolean ownCpu, boolean spare) {
    this.mode = mode;
    this.nice = nice;
    this.ownCpu = ownCpu;
    this.spare = spare;
  }

  private void sharingCpus() {
    if (sharingLogged.compareAndSet(false, true)) {
      LOG.info(
          "scoring threads share the CPUs with the other threads: libtorch runs several intra-op"
              + " threads (recognizer.model.threads=1 gives each scoring thread a CPU of its"
              + " own)");
    }
  }

  /** The calling stream thread's scoring, set up on its first call (its lane started). */
  StreamThread forCurrentThread() {
    String name = Thread.currentThread().getName();
    return threads.computeIfAbsent(
        name,
        n ->
            new StreamThread(
                mode == ScoringMode.PIPELINED
                    ? Optional.of(ScoringLane.startFor(n, nice, ownCpu, spare, this::sharingCpus))
                    : Optional.empty()));
  }
}
