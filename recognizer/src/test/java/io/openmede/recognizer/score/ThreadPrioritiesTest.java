package io.openmede.recognizer.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
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
  void lowerCurrentAndBackgroundThreads_zero_changesNothing() {
    assertThat(ThreadPriorities.lowerCurrentAndBackgroundThreads(0)).isZero();
  }
}
