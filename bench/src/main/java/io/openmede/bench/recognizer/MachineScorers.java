package io.openmede.bench.recognizer;

import io.openmede.recognizer.threads.ThreadPriorities;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The whole machine: one bare scoring thread per CPU of the machine, thread i pinned to CPU i, each
 * on the same prepared windows (libtorch with this process's intra-op threads: one each at the
 * benchmark's default, so the threads are the replicas, one per core), started together; windows
 * per second over all of them, from the start to the last thread done. The count is the machine's,
 * not the JVM's: the benchmark confines the process's other threads to the shared CPUs, which the
 * JVM then reports as all it has.
 */
final class MachineScorers {

  private MachineScorers() {}

  /** One run on every core; prints it and returns windows per second. */
  static double windowsPerSecond(BareScorer bare, PrintStream out) throws InterruptedException {
    int n = ThreadCpu.machineCpus();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    AtomicReference<RuntimeException> failed = new AtomicReference<>();
    for (int i = 0; i < n; i++) {
      BitSet cpu = new BitSet();
      cpu.set(i);
      Thread t =
          new Thread(
              () -> {
                try {
                  ThreadPriorities.pinCurrentThread(cpu);
                  go.await();
                  bare.pass();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                  failed.compareAndSet(null, e);
                }
              },
              "bench-machine-" + i);
      threads.add(t);
      t.start();
    }
    long t0 = System.nanoTime();
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
    long wall = System.nanoTime() - t0;
    if (failed.get() != null) {
      throw failed.get();
    }
    double rate = (double) n * bare.windows() / (wall / 1e9);
    out.printf(
        "bare scorer on every core (%d threads): %.1f windows/s in %.2f s%n", n, rate, wall / 1e9);
    return rate;
  }
}
