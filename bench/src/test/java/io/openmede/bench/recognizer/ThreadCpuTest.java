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
    long until = System.nanoTime() + 300_000_000L;
    long spin = 0;
    while (System.nanoTime() < until) {
      spin += Long.numberOfTrailingZeros(spin + System.nanoTime());
    }
    long after = ThreadCpu.processCpuMillis(pid);
    // 300 ms of busy wall time on this thread: at least 150 ms of CPU even on a loaded machine
    assertThat(after - before).as("spin %d", spin).isGreaterThanOrEqualTo(150);
    // the spinning thread is not a JIT compiler thread: its time is not the JIT's
    assertThat(ThreadCpu.processJitMillis(pid)).isLessThanOrEqualTo(after - 150);
    assertThat(ThreadCpu.processCpuMillis(Long.MAX_VALUE)).isZero();
    assertThat(ThreadCpu.processJitMillis(Long.MAX_VALUE)).isZero();
  }
}
