package io.openmede.bench.recognizer;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * CPU time of this JVM's Java threads, grouped by role, and the time spent in GC pauses and JIT
 * compilation (whose threads the thread bean does not list), for the benchmark's explanation lines.
 */
final class ThreadCpu {

  private ThreadCpu() {}

  /** Nanoseconds of CPU per thread group so far (threads that ended are not counted). */
  static Map<String, Long> byGroup() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Map<String, Long> out = new TreeMap<>();
    long[] ids = mx.getAllThreadIds();
    ThreadInfo[] infos = mx.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      long ns = mx.getThreadCpuTime(ids[i]);
      if (ns < 0 || infos[i] == null) {
        continue;
      }
      out.merge(group(infos[i].getThreadName()), ns, Long::sum);
    }
    return out;
  }

  /** Milliseconds the collectors have spent so far. */
  static long gcMillis() {
    long sum = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      sum += Math.max(0, gc.getCollectionTime());
    }
    return sum;
  }

  /**
   * Busy and total jiffies of the whole machine so far (Linux {@code /proc/stat}), or nothing
   * elsewhere.
   */
  static long[] machineJiffies() {
    try {
      String[] f =
          java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat"))
              .get(0)
              .trim()
              .split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      return new long[] {total - idle, total};
    } catch (java.io.IOException | RuntimeException e) {
      return new long[0];
    }
  }

  /** Cores busy on the whole machine between two {@link #machineJiffies()}; NaN when unknown. */
  static double machineCoresBusy(long[] before, long[] after) {
    if (before.length < 2 || after.length < 2 || after[1] <= before[1]) {
      return Double.NaN;
    }
    return machineCpus() * (double) (after[0] - before[0]) / (after[1] - before[1]);
  }

  /**
   * The machine's CPUs ({@code cpuN} lines of {@code /proc/stat}); elsewhere the JVM's count, which
   * on Linux is the calling thread's affinity and so shrinks when the thread is kept off a CPU.
   */
  static int machineCpus() {
    try {
      int n =
          (int)
              java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat")).stream()
                  .filter(l -> l.matches("cpu\\d+ .*"))
                  .count();
      return n > 0 ? n : Runtime.getRuntime().availableProcessors();
    } catch (java.io.IOException | RuntimeException e) {
      return Runtime.getRuntime().availableProcessors();
    }
  }

  /** The CPU the calling thread has used so far (ns). */
  static long currentThreadCpuNanos() {
    return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  /** Milliseconds the JIT compilers have spent so far (0 when the JVM does not say). */
  static long jitMillis() {
    var jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported()
        ? jit.getTotalCompilationTime()
        : 0;
  }

  /**
   * Milliseconds of CPU that process {@code pid}'s JIT compiler threads have used so far (Linux
   * {@code /proc}; 0 elsewhere or when the process is gone): the broker's JVM, whose compilers
   * share the stream thread's core.
   */
  static long processJitMillis(long pid) {
    return processCpuMillis(
        pid, name -> name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre"));
  }

  /** Milliseconds of CPU that all of process {@code pid}'s threads now alive have used so far. */
  static long processCpuMillis(long pid) {
    return processCpuMillis(pid, name -> true);
  }

  private static long processCpuMillis(long pid, java.util.function.Predicate<String> threads) {
    java.nio.file.Path tasks = java.nio.file.Path.of("/proc", Long.toString(pid), "task");
    long ticks = 0;
    try (var dirs = java.nio.file.Files.list(tasks)) {
      for (java.nio.file.Path task : (Iterable<java.nio.file.Path>) dirs::iterator) {
        try {
          if (!threads.test(java.nio.file.Files.readString(task.resolve("comm")).trim())) {
            continue;
          }
          String stat = java.nio.file.Files.readString(task.resolve("stat"));
          // fields after the command's closing parenthesis: state is field 3, utime 14, stime 15
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (java.io.IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      return 0;
    }
    return ticks * 1000 / CLOCK_TICKS_PER_SECOND;
  }

  /** Linux's {@code USER_HZ}, the unit of {@code /proc}'s CPU times (100 on every platform). */
  private static final long CLOCK_TICKS_PER_SECOND = 100;

  static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> d = new LinkedHashMap<>();
    after.forEach((k, v) -> d.put(k, v - before.getOrDefault(k, 0L)));
    return d;
  }

  static String describe(Map<String, Long> nanos) {
    return nanos.entrySet().stream()
        .filter(e -> e.getValue() >= 10_000_000L)
        .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
        .map(e -> String.format(java.util.Locale.ROOT, "%s %.2f", e.getKey(), e.getValue() / 1e9))
        .collect(Collectors.joining(", "));
  }

  private static String group(String name) {
    if (name.endsWith("-scorer")) {
      return "scoring lane";
    }
    if (name.endsWith("-scorer-spare")) {
      return "spare scorer";
    }
    if (name.matches(".*StreamThread-\\d+$")) {
      return "stream thread";
    }
    if (name.contains("StreamThread") && name.endsWith("-producer")) {
      return "stream producer io";
    }
    if (name.contains("GlobalStreamThread")) {
      return "global thread";
    }
    if (name.equals("main")) {
      return "bench main";
    }
    if (name.startsWith("bench-reader")) {
      return "bench reader";
    }
    if (name.startsWith("data-plane-kafka-request-handler")) {
      return "broker handlers";
    }
    if (name.startsWith("data-plane-kafka-network")) {
      return "broker network";
    }
    if (name.contains("kafka-producer-network-thread") || name.contains("kafka-consumer")) {
      return "other client io";
    }
    if (name.startsWith("kafka") || name.contains("raft") || name.contains("broker")) {
      return "broker other";
    }
    return "other";
  }
}
