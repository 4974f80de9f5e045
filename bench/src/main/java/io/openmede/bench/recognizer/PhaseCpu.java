package io.openmede.bench.recognizer;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * CPU over a phase: this JVM's threads by group, the broker's JVM (and its JIT) when it runs here,
 * and the whole machine, from {@link #start} to {@link #describe}.
 */
record PhaseCpu(
    long startNanos,
    Map<String, Long> groups,
    OptionalLong brokerPid,
    long brokerMs,
    long brokerJitMs,
    long jitMs,
    long[] machine) {

  /** The counters now. */
  static PhaseCpu start(OptionalLong brokerPid) {
    return new PhaseCpu(
        System.nanoTime(),
        ThreadCpu.byGroup(),
        brokerPid,
        brokerPid.isPresent() ? ThreadCpu.processCpuMillis(brokerPid.getAsLong()) : 0,
        brokerPid.isPresent() ? ThreadCpu.processJitMillis(brokerPid.getAsLong()) : 0,
        ThreadCpu.jitMillis(),
        ThreadCpu.machineJiffies());
  }

  /** The CPU since the start, in cores (CPU seconds per second). */
  String describe() {
    double wall = (System.nanoTime() - startNanos) / 1e9;
    Map<String, Long> perCore = new LinkedHashMap<>();
    ThreadCpu.delta(groups, ThreadCpu.byGroup())
        .forEach((k, v) -> perCore.put(k, (long) (v / wall)));
    StringBuilder b = new StringBuilder(ThreadCpu.describe(perCore));
    b.append(
        String.format(
            Locale.ROOT, "; this JVM's JIT %.2f", (ThreadCpu.jitMillis() - jitMs) / 1e3 / wall));
    if (brokerPid.isPresent()) {
      long pid = brokerPid.getAsLong();
      b.append(
          String.format(
              Locale.ROOT,
              "; broker JVM %.2f (its JIT %.2f)",
              (ThreadCpu.processCpuMillis(pid) - brokerMs) / 1e3 / wall,
              (ThreadCpu.processJitMillis(pid) - brokerJitMs) / 1e3 / wall));
    }
    b.append(
        String.format(
            Locale.ROOT,
            "; whole machine %.2f of %d over %.1f s",
            ThreadCpu.machineCoresBusy(machine, ThreadCpu.machineJiffies()),
            ThreadCpu.machineCpus(),
            wall));
    return b.toString();
  }
}
