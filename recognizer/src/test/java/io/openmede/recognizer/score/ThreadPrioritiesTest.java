package io.openmede.recognizer.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ThreadPrioritiesTest {

  /** Field 19 of /proc/self/task/TID/stat: the thread's nice value. */
  private static int niceOf(int tid) throws Exception {
    String stat = Files.readString(Path.of("/proc/self/task/" + tid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Integer.parseInt(fields[16]); // fields after "pid (comm) ": state is field 3
  }

  @Test
  void lowerCurrentAndBackgroundThreads_lowersTheCallerNotOtherThreads() throws Exception {
    OptionalInt me = ThreadPriorities.currentThreadId();
    assumeTrue(me.isPresent(), "Linux with /proc only");
    int before = niceOf(me.getAsInt());
    AtomicInteger worker = new AtomicInteger(-1);
    AtomicInteger changed = new AtomicInteger();
    AtomicInteger childNice = new AtomicInteger(-100);
    AtomicInteger workerNice = new AtomicInteger(-100);
    Thread t =
        new Thread(
            () -> {
              worker.set(ThreadPriorities.currentThreadId().orElse(-1));
              changed.set(ThreadPriorities.lowerCurrentAndBackgroundThreads(before + 3));
              // a thread created now inherits the lowered priority
              Thread child =
                  new Thread(
                      () -> {
                        try {
                          childNice.set(niceOf(ThreadPriorities.currentThreadId().orElseThrow()));
                        } catch (Exception e) {
                          childNice.set(-200);
                        }
                      });
              child.start();
              try {
                child.join();
                workerNice.set(niceOf(worker.get()));
              } catch (Exception e) {
                workerNice.set(-200);
              }
            });
    t.start();
    t.join();
    assertThat(changed.get()).isGreaterThanOrEqualTo(1);
    assertThat(workerNice.get()).isEqualTo(before + 3);
    assertThat(childNice.get()).isEqualTo(before + 3);
    assertThat(niceOf(me.getAsInt())).as("the calling test thread is untouched").isEqualTo(before);
  }

  @Test
  void lowerCurrentThread_neverRaisesAThreadsPriority() throws Exception {
    OptionalInt me = ThreadPriorities.currentThreadId();
    assumeTrue(me.isPresent(), "Linux with /proc only");
    int before = niceOf(me.getAsInt());
    assumeTrue(before <= 14, "room to make a thread nicer");
    AtomicInteger after = new AtomicInteger(-100);
    AtomicReference<Boolean> secondCall = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              try {
                ThreadPriorities.lowerCurrentThread(before + 5);
                // asking for less niceness (a higher priority, which root could grant) is a no-op
                secondCall.set(ThreadPriorities.lowerCurrentThread(before + 2));
                after.set(niceOf(ThreadPriorities.currentThreadId().orElseThrow()));
              } catch (Exception e) {
                after.set(-200);
              }
            });
    t.start();
    t.join();
    assertThat(after.get()).isEqualTo(before + 5);
    assertThat(secondCall.get()).as("the thread already runs at least that nice").isTrue();
  }

  @Test
  void lowerCurrentAndBackgroundThreads_zero_changesNothing() {
    assertThat(ThreadPriorities.lowerCurrentAndBackgroundThreads(0)).isZero();
  }

  @Test
  void reserveCpu_givesTheThreadACpuOfItsOwnAndKeepsTheOthersOffIt() throws Exception {
    OptionalInt me = ThreadPriorities.currentThreadId();
    assumeTrue(me.isPresent(), "Linux with /proc only");
    BitSet all = ThreadPriorities.affinity(me.getAsInt());
    assumeTrue(all.cardinality() >= 2, "needs two CPUs");
    assumeTrue(ThreadPriorities.reservedCpus().isEmpty(), "nothing reserved yet");
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(1);
    AtomicInteger scorer = new AtomicInteger(-1);
    Thread t =
        new Thread(
            () -> {
              scorer.set(ThreadPriorities.currentThreadId().orElse(-1));
              started.countDown();
              try {
                done.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    t.start();
    started.await();
    try {
      OptionalInt cpu = ThreadPriorities.reserveCpu(scorer.get());
      assertThat(cpu).isPresent();
      BitSet own = new BitSet();
      own.set(cpu.getAsInt());
      assertThat(ThreadPriorities.affinity(scorer.get())).isEqualTo(own);
      assertThat(ThreadPriorities.reservedCpus()).isEqualTo(own);
      BitSet rest = (BitSet) all.clone();
      rest.clear(cpu.getAsInt());
      assertThat(ThreadPriorities.affinity(me.getAsInt())).as("this thread").isEqualTo(rest);
      assertThat(ThreadPriorities.sharedCpus()).isEqualTo(rest);
      // a thread created now inherits the confinement
      AtomicReference<BitSet> child = new AtomicReference<>();
      Thread c =
          new Thread(
              () ->
                  child.set(
                      ThreadPriorities.affinity(ThreadPriorities.currentThreadId().orElseThrow())));
      c.start();
      c.join();
      assertThat(child.get()).isEqualTo(rest);
      // the same thread again: the same CPU, nothing more reserved
      assertThat(ThreadPriorities.reserveCpu(scorer.get())).isEqualTo(cpu);
      if (all.cardinality() < 4) {
        assertThat(ThreadPriorities.reserveCpu(me.getAsInt()))
            .as("at most half the CPUs are reserved")
            .isEmpty();
      }
    } finally {
      ThreadPriorities.releaseCpu(scorer.get());
      done.countDown();
      t.join();
    }
    assertThat(ThreadPriorities.reservedCpus()).isEqualTo(new BitSet());
    assertThat(ThreadPriorities.affinity(me.getAsInt())).as("shared again").isEqualTo(all);
  }
}
