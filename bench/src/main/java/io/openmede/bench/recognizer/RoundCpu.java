package io.openmede.bench.recognizer;

import java.util.Map;

/**
 * The CPU over a throughput round, from {@link #start} to {@link #describe}: this JVM's threads by
 * group (seconds), GC pauses, JIT compilation, the whole machine.
 */
record RoundCpu(Map<String, Long> groups, long gcMs, long jitMs, long[] machine) {

  static RoundCpu start(JitClock jit) {
    return new RoundCpu(
        ThreadCpu.byGroup(), ThreadCpu.gcMillis(), jit.millis(), ThreadCpu.machineJiffies());
  }

  String describe(JitClock jit) {
    return String.format(
        "%s; gc pauses %d ms; JIT compiling %d ms; whole machine %.2f of %d cores busy",
        ThreadCpu.describe(ThreadCpu.delta(groups, ThreadCpu.byGroup())),
        ThreadCpu.gcMillis() - gcMs,
        jit.millis() - jitMs,
        ThreadCpu.machineCoresBusy(machine, ThreadCpu.machineJiffies()),
        ThreadCpu.machineCpus());
  }
}
