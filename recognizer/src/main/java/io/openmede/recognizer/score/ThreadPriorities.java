package io.openmede.recognizer.score;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Linux thread priorities (nice values) for the recognizer: the model's scoring threads keep the
 * process's priority while the other busy threads (stream threads, Kafka producer I/O, the JVM's
 * JIT compilers and concurrent GC threads) are made nicer, so that on a machine whose cores the
 * recognizer shares the model keeps its core. Lowering a thread's own priority needs no privilege;
 * a thread created by a nicer thread inherits its nice value, so scoring threads are started before
 * their stream thread lowers itself. Elsewhere than Linux, or without {@code /proc} or libc, every
 * call is a no-op that says so once in the log.
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
  }

  private static volatile Optional<LibC> libc;
  private static volatile boolean unsupportedLogged;

  private ThreadPriorities() {}

  /** The calling thread's Linux thread id, if this is Linux with {@code /proc}. */
  static OptionalInt currentThreadId() {
    try {
      return OptionalInt.of(
          Integer.parseInt(
              Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString()));
    } catch (IOException | RuntimeException e) {
      return OptionalInt.empty();
    }
  }

  /**
   * Sets thread {@code tid}'s nice value to {@code nice} (only raising it succeeds without
   * privilege). False when unsupported or refused.
   */
  static boolean setNice(int tid, int nice) {
    Optional<LibC> c = libc();
    return c.isPresent() && c.get().setpriority(PRIO_PROCESS, tid, nice) == 0;
  }

  /**
   * Makes the calling thread and the JVM's background threads (JIT compilers, concurrent GC, Kafka
   * producer I/O) {@code nice} nicer, once per calling thread's life (call it from each stream
   * thread). Returns how many threads were changed.
   */
  public static int lowerCurrentAndBackgroundThreads(int nice) {
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
    List<Integer> tids = new ArrayList<>();
    tids.add(self.getAsInt());
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String name = Files.readString(task.resolve("comm")).trim();
          if (BACKGROUND_THREAD_PREFIXES.stream().anyMatch(name::startsWith)) {
            tids.add(Integer.parseInt(task.getFileName().toString()));
          }
        } catch (IOException | NumberFormatException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException e) {
      // /proc/self/task unreadable: the calling thread alone
    }
    int changed = 0;
    for (int tid : tids) {
      if (setNice(tid, nice)) {
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
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          if (setNice(Integer.parseInt(task.getFileName().toString()), nice)) {
            changed++;
          }
        } catch (NumberFormatException e) {
          // not a thread directory
        }
      }
    } catch (IOException e) {
      return changed;
    }
    return changed;
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
