package io.openmede.recognizer.threads;

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

  /** A thread of this JVM that waits, named {@code name}, and its Linux thread id. */
  private static Thread parked(String name, CountDownLatch release, AtomicInteger tid)
      throws InterruptedException {
    CountDownLatch started = new CountDownLatch(1);
    Thread t =
        new Thread(
            () -> {
              tid.set(ThreadPriorities.currentThreadId().orElse(-1));
              started.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            name);
    t.start();
    started.await();
    return t;
  }

  // The background threads are matched by a name of this test's own: lowering the JVM's JIT and GC
  // threads would slow every test after this one (a thread cannot be made less nice again).
  @Test
  void lowerCurrentAndBackgroundThreads_lowersTheCallerAndTheNamedThreads_notOthers()
      throws Exception {
    OptionalInt me = ThreadPriorities.currentThreadId();
    assumeTrue(me.isPresent(), "Linux with /proc only");
    int before = niceOf(me.getAsInt());
    assumeTrue(before <= 16, "room to make a thread nicer");
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger backgroundTid = new AtomicInteger(-1);
    AtomicInteger bystanderTid = new AtomicInteger(-1);
    Thread background = parked("test-background", release, backgroundTid);
    Thread bystander = parked("test-bystander", release, bystanderTid);
    AtomicInteger worker = new AtomicInteger(-1);
    AtomicInteger changed = new AtomicInteger();
    AtomicInteger childNice = new AtomicInteger(-100);
    AtomicInteger workerNice = new AtomicInteger(-100);
    try {
      Thread t =
          new Thread(
              () -> {
                worker.set(ThreadPriorities.currentThreadId().orElse(-1));
                changed.set(
                    ThreadPriorities.lowerCurrentAnd(
                        before + 3, name -> name.equals("test-background")));
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
      assertThat(changed.get()).as("the caller and the named thread").isEqualTo(2);
      assertThat(workerNice.get()).isEqualTo(before + 3);
      assertThat(childNice.get()).isEqualTo(before + 3);
      assertThat(niceOf(backgroundTid.get())).isEqualTo(before + 3);
      assertThat(niceOf(bystanderTid.get())).as("a thread not named").isEqualTo(before);
      assertThat(niceOf(me.getAsInt()))
          .as("the calling test thread is untouched")
          .isEqualTo(before);
    } finally {
      release.countDown();
      background.join();
      bystander.join();
    }
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
