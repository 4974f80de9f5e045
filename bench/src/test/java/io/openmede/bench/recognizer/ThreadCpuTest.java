package io.openmede.bench.recognizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {

  @Test
  void processCpuMillis_countsABusyThread_processJitMillisOnlyTheCompilers_aGoneProcessReadsZero() {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "needs Linux /proc");
    long pid = ProcessHandle.current().pid();
    long before = ThreadCpu.processCpuMillis(pid);
    // spin until this thread itself has used 200 ms of CPU (as the JVM counts it), however long a
    // loaded machine makes that take (at most 60 s of wall time)
    java.lang.management.ThreadMXBean threads =
        java.lang.management.ManagementFactory.getThreadMXBean();
    long cpu0 = threads.getCurrentThreadCpuTime();
    long until = System.nanoTime() + 60_000_000_000L;
    long spin = 0;
    while (threads.getCurrentThreadCpuTime() - cpu0 < 200_000_000L && System.nanoTime() < until) {
      for (int i = 0; i < 10_000; i++) {
        spin += Long.numberOfTrailingZeros(spin + System.nanoTime());
      }
    }
    long after = ThreadCpu.processCpuMillis(pid);
    // the process's CPU time, read from /proc, counts at least the 200 ms this thread used
    assertThat(after - before).as("spin %d", spin).isGreaterThanOrEqualTo(150);
    // the spinning thread is not a JIT compiler thread: its time is not the JIT's
    assertThat(ThreadCpu.processJitMillis(pid)).isLessThanOrEqualTo(after - 150);
    assertThat(ThreadCpu.processCpuMillis(Long.MAX_VALUE)).isZero();
    assertThat(ThreadCpu.processJitMillis(Long.MAX_VALUE)).isZero();
  }
}
