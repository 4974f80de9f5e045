package io.openmede.recognizer.threads;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Linux thread priorities (nice values) and CPU affinity for the recognizer, so that on a machine
 * whose cores the recognizer shares the model keeps its core.
 *
 * <p>Priorities: the model's scoring threads keep the process's priority while the other busy
 * threads (stream threads, Kafka producer I/O, the JVM's JIT compilers and concurrent GC threads)
 * are made nicer. Lowering a thread's own priority needs no privilege; a thread created by a nicer
 * thread inherits its nice value, so scoring threads are started before their stream thread lowers
 * itself.
 *
 * <p>Affinity: a scoring thread that runs libtorch on one intra-op thread may get a CPU of its own
 * ({@link #reserveCpu}); the process's other threads then run on the CPUs left, and are never
 * scheduled onto the model's CPU between two of its operations (nice values alone still let them
 * preempt it for short slices, measured as about a tenth of its time on a two-core machine).
 *
 * <p>Elsewhere than Linux, or without {@code /proc} or libc, every call is a no-op that says so
 * once in the log.
 */
public final class ThreadPriorities {

  private static final Logger LOG = LoggerFactory.getLogger(ThreadPriorities.class);

  /** Linux {@code PRIO_PROCESS}: with a thread id, {@code setpriority} applies to that thread. */
  private static final int PRIO_PROCESS = 0;

  /** JVM threads (by their 15-character Linux names) made nicer with the stream threads. */
  private static final List<String> BACKGROUND_THREAD_PREFIXES =
      List.of("C1 CompilerThre", "C2 CompilerThre", "G1 Conc", "G1 Refine", "kafka-producer-");

  /** The libc calls used. */
  interface LibC extends Library {
    int setpriority(int which, int who, int prio);

    int sched_getaffinity(int pid, long cpusetsize, long[] mask);

    int sched_setaffinity(int pid, long cpusetsize, long[] mask);
  }

  /** The JVM's stop-the-world GC worker threads (G1 "GC Thread#N"). */
  private static final String PAUSE_WORKER_PREFIX = "GC Thread";

  /** This process's threads in {@code /proc}. */
  private static final Path OWN_TASKS = Path.of("/proc/self/task");

  /** Words of a CPU mask (1,024 CPUs). */
  private static final int MASK_WORDS = 16;

  /** CPUs reserved for scoring threads, with the thread id of each. */
  private static final TreeMap<Integer, Integer> RESERVED = new TreeMap<>();

  /** The CPUs the process might use when the first CPU was reserved. */
  private static BitSet processCpus;

  private static boolean pinRefusalLogged;

  private static volatile Optional<LibC> libc;
  private static volatile boolean unsupportedLogged;

  private ThreadPriorities() {}

  /** The calling thread's Linux thread id, if this is Linux with {@code /proc}. */
  public static OptionalInt currentThreadId() {
    try {
      return OptionalInt.of(
          Integer.parseInt(
              Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString()));
    } catch (IOException | RuntimeException e) {
      return OptionalInt.empty();
    }
  }

  /**
   * Makes thread {@code tid} at least {@code nice} nice: its nice value becomes {@code nice}, or
   * stays where it is when it is already nicer (a process started under {@code nice -n 10} keeps
   * its threads there, even where the privilege to raise priorities exists, as under root). True
   * when the thread now runs at {@code nice} or nicer; false when unsupported or refused.
   */
  static boolean setNice(int tid, int nice) {
    Optional<LibC> c = libc();
    if (c.isEmpty()) {
      return false;
    }
    OptionalInt current = niceOf(tid);
    if (current.isPresent() && current.getAsInt() >= nice) {
      return true;
    }
    return c.get().setpriority(PRIO_PROCESS, tid, nice) == 0;
  }

  /** Thread {@code tid}'s nice value, field 19 of {@code /proc/<tid>/stat} (empty if unknown). */
  static OptionalInt niceOf(int tid) {
    try {
      String stat = Files.readString(Path.of("/proc", Integer.toString(tid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return OptionalInt.of(Integer.parseInt(fields[16]));
    } catch (IOException | RuntimeException e) {
      return OptionalInt.empty();
    }
  }

  /** The nicest Linux priority: background work that may wait for every other thread. */
  public static final int NICEST = 19;

  /**
   * Makes the calling thread alone {@code nice} nicer (threads it creates inherit that). False when
   * unsupported or refused.
   */
  public static boolean lowerCurrentThread(int nice) {
    OptionalInt self = currentThreadId();
    return self.isPresent() && setNice(self.getAsInt(), nice);
  }

  /**
   * Makes the calling thread and the JVM's background threads (JIT compilers, concurrent GC, Kafka
   * producer I/O) {@code nice} nicer, once per calling thread's life (call it from each stream
   * thread). Returns how many threads were changed.
   */
  public static int lowerCurrentAndBackgroundThreads(int nice) {
    return lowerCurrentAnd(
        nice, name -> BACKGROUND_THREAD_PREFIXES.stream().anyMatch(name::startsWith));
  }

  /**
   * Makes the calling thread and this process's threads whose name {@code background} accepts
   * {@code nice} nicer; returns how many threads were changed.
   */
  static int lowerCurrentAnd(int nice, java.util.function.Predicate<String> background) {
    if (nice <= 0) {
      return 0;
    }
    OptionalInt self = currentThreadId();
    if (self.isEmpty() || libc().isEmpty()) {
      if (!unsupportedLogged) {
        unsupportedLogged = true;
        LOG.info(
            "thread priorities unchanged: not Linux with /proc and libc; the model's scoring"
                + " threads share the cores equally with the other threads");
      }
      return 0;
    }
    int changed = setNice(self.getAsInt(), nice) ? 1 : 0;
    for (ThreadEntry t : threads(OWN_TASKS)) {
      if (background.test(t.name()) && setNice(t.tid(), nice)) {
        changed++;
      }
    }
    LOG.info(
        "{} thread(s) (this stream thread, JIT, GC, Kafka producer I/O) now run at nice {}; the"
            + " model's scoring threads keep the process's priority",
        changed,
        nice);
    return changed;
  }

  /**
   * Sets every thread of process {@code pid} (one of this user's) to {@code nice}; threads it
   * creates later inherit it from their creators. Returns how many threads were changed.
   */
  public static int lowerProcess(long pid, int nice) {
    if (nice <= 0 || libc().isEmpty()) {
      return 0;
    }
    int changed = 0;
    for (ThreadEntry t : threads(tasksOf(pid))) {
      if (setNice(t.tid(), nice)) {
        changed++;
      }
    }
    return changed;
  }

  /** The CPUs thread {@code tid} may run on (empty when unsupported). */
  static BitSet affinity(int tid) {
    Optional<LibC> c = libc();
    long[] mask = new long[MASK_WORDS];
    if (c.isEmpty() || c.get().sched_getaffinity(tid, MASK_WORDS * 8L, mask) != 0) {
      return new BitSet();
    }
    return BitSet.valueOf(mask);
  }

  /** Lets thread {@code tid} run on {@code cpus} only; false when unsupported or refused. */
  static boolean setAffinity(int tid, BitSet cpus) {
    Optional<LibC> c = libc();
    if (c.isEmpty() || cpus.isEmpty()) {
      return false;
    }
    long[] words = cpus.toLongArray();
    long[] mask = Arrays.copyOf(words, MASK_WORDS);
    return c.get().sched_setaffinity(tid, MASK_WORDS * 8L, mask) == 0;
  }

  /**
   * Gives thread {@code tid} (a scoring thread of this process that runs libtorch on one intra-op
   * thread) a CPU of its own: it runs on that CPU only, and every other thread of the process is
   * kept off it (threads created later inherit that from their creators). At most half of the
   * process's CPUs are reserved, so the threads that feed the model keep at least as many CPUs as
   * the model has. Returns the CPU, or empty when not Linux or no CPU is left to reserve (logged
   * once).
   */
  public static synchronized OptionalInt reserveCpu(int tid) {
    OptionalInt held = cpuOf(tid);
    if (held.isPresent()) {
      return held;
    }
    if (libc().isEmpty() || currentThreadId().isEmpty()) {
      return OptionalInt.empty();
    }
    if (processCpus == null) {
      processCpus = affinity(tid);
    }
    BitSet shared = (BitSet) processCpus.clone();
    RESERVED.keySet().forEach(shared::clear);
    if (RESERVED.size() + 1 > processCpus.cardinality() / 2 || shared.isEmpty()) {
      if (!pinRefusalLogged) {
        pinRefusalLogged = true;
        LOG.info(
            "scoring thread {} shares the CPUs: {} of this process's {} CPU(s) are already"
                + " reserved, and at least half stay for the other threads",
            tid,
            RESERVED.size(),
            processCpus.cardinality());
      }
      return OptionalInt.empty();
    }
    int cpu = shared.previousSetBit(shared.length() - 1);
    BitSet own = new BitSet();
    own.set(cpu);
    if (!setAffinity(tid, own)) {
      return OptionalInt.empty();
    }
    RESERVED.put(cpu, tid);
    shared.clear(cpu);
    int moved = confine(OWN_TASKS, shared);
    LOG.info(
        "scoring thread {} runs on CPU {} alone; the process's {} other thread(s) run on CPUs {}",
        tid,
        cpu,
        moved,
        shared);
    return OptionalInt.of(cpu);
  }

  /**
   * Gives the CPU reserved for thread {@code tid} back: that thread and every other thread of the
   * process may run on the remaining unreserved CPUs again. No-op if none was reserved.
   */
  public static synchronized void releaseCpu(int tid) {
    OptionalInt cpu = cpuOf(tid);
    if (cpu.isEmpty()) {
      return;
    }
    RESERVED.remove(cpu.getAsInt());
    BitSet shared = sharedCpus();
    int moved = confine(OWN_TASKS, shared);
    LOG.info("CPU {} is shared again: {} thread(s) run on CPUs {}", cpu.getAsInt(), moved, shared);
  }

  /** The CPU reserved for thread {@code tid}, if any. */
  private static OptionalInt cpuOf(int tid) {
    return RESERVED.entrySet().stream()
        .filter(e -> e.getValue() == tid)
        .mapToInt(Map.Entry::getKey)
        .findFirst();
  }

  /** The CPUs reserved for scoring threads (none when nothing is reserved). */
  public static synchronized BitSet reservedCpus() {
    BitSet b = new BitSet();
    RESERVED.keySet().forEach(b::set);
    return b;
  }

  /** The CPUs left to threads other than scoring threads (all of them before any reservation). */
  public static synchronized BitSet sharedCpus() {
    BitSet shared =
        processCpus == null ? affinity(currentThreadId().orElse(0)) : (BitSet) processCpus.clone();
    RESERVED.keySet().forEach(shared::clear);
    return shared;
  }

  /**
   * Lets the calling thread run on {@code cpus} only (a benchmark runs the bare model on the CPU
   * the scoring thread had). False when unsupported or refused.
   */
  public static boolean pinCurrentThread(BitSet cpus) {
    OptionalInt self = currentThreadId();
    return self.isPresent() && setAffinity(self.getAsInt(), cpus);
  }

  /** Keeps every thread of process {@code pid} (one of this user's) on {@link #sharedCpus()}. */
  public static synchronized int confineProcessToSharedCpus(long pid) {
    return confine(tasksOf(pid), sharedCpus());
  }

  /**
   * Keeps the threads under {@code taskDir} on {@code cpus}, except scoring threads with a CPU of
   * their own and the JVM's stop-the-world GC workers: those may use every CPU, since during their
   * pauses the scoring threads wait for them anyway.
   */
  private static int confine(Path taskDir, BitSet cpus) {
    int moved = 0;
    for (ThreadEntry t : threads(taskDir)) {
      if (!RESERVED.containsValue(t.tid())
          && !t.name().startsWith(PAUSE_WORKER_PREFIX)
          && setAffinity(t.tid(), cpus)) {
        moved++;
      }
    }
    return moved;
  }

  private static Path tasksOf(long pid) {
    return Path.of("/proc", Long.toString(pid), "task");
  }

  /** A thread of a process: its Linux id and its (15-character) name. */
  private record ThreadEntry(int tid, String name) {}

  /**
   * The threads under {@code taskDir} ({@code /proc/PID/task}) now; threads that end meanwhile are
   * left out, and an unreadable directory gives none.
   */
  private static List<ThreadEntry> threads(Path taskDir) {
    List<ThreadEntry> out = new ArrayList<>();
    try (Stream<Path> tasks = Files.list(taskDir)) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          out.add(
              new ThreadEntry(
                  Integer.parseInt(task.getFileName().toString()),
                  Files.readString(task.resolve("comm")).trim()));
        } catch (IOException | NumberFormatException e) {
          // ended meanwhile, or not a thread directory
        }
      }
    } catch (IOException e) {
      return out;
    }
    return out;
  }

  private static Optional<LibC> libc() {
    Optional<LibC> c = libc;
    if (c == null) {
      try {
        c =
            System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")
                ? Optional.of(Native.load("c", LibC.class))
                : Optional.empty();
      } catch (UnsatisfiedLinkError | RuntimeException e) {
        c = Optional.empty();
      }
      libc = c;
    }
    return c;
  }
}
