package io.openmede.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One process of the stack (a Kafka node, the registry, a service): started with a command line and
 * environment, its output appended to a log file, stopped with SIGTERM or killed with SIGKILL. A
 * shutdown hook of this JVM kills it, so that none outlives the stack. Thread-safe.
 */
public final class ChildProcess implements AutoCloseable {

  private final String name;
  private final List<String> command;
  private final Map<String, String> environment;
  private final Path log;
  private volatile Process process;
  private volatile Thread killer;

  /**
   * @param name how the stack names it ({@code kafka-1}, {@code recognizer-2})
   * @param command the command line
   * @param environment variables added to this JVM's environment
   * @param log where its stdout and stderr go (appended)
   */
  public ChildProcess(
      String name, List<String> command, Map<String, String> environment, Path log) {
    this.name = Objects.requireNonNull(name, "name");
    this.command = List.copyOf(command);
    this.environment = Map.copyOf(environment);
    this.log = Objects.requireNonNull(log, "log");
  }

  /** Starts the process (again, after it stopped or was killed). */
  public synchronized ChildProcess start() throws IOException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
    }
    Files.createDirectories(log.toAbsolutePath().getParent());
    Files.writeString(
        log,
        "---- " + Instant.now() + " starting: " + shortCommand() + "\n",
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.PIPE);
    pb.environment().putAll(environment);
    Process p = pb.start();
    p.getOutputStream().close();
    Thread k = new Thread(p::destroyForcibly, "stack-killer-" + name);
    Runtime.getRuntime().addShutdownHook(k);
    this.process = p;
    this.killer = k;
    return this;
  }

  /** The command line with the class path left out (it is this JVM's). */
  private String shortCommand() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < command.size(); i++) {
      boolean classPath = i > 0 && command.get(i - 1).equals("-cp");
      b.append(i > 0 ? " " : "").append(classPath ? "<class path>" : command.get(i));
    }
    return b.toString();
  }

  public String name() {
    return name;
  }

  public Path log() {
    return log;
  }

  /** The process id of the running process, or -1 before the first start. */
  public long pid() {
    Process p = process;
    return p == null ? -1 : p.pid();
  }

  public boolean alive() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /** The exit status once it has ended. */
  public java.util.OptionalInt exitStatus() {
    Process p = process;
    return p == null || p.isAlive()
        ? java.util.OptionalInt.empty()
        : java.util.OptionalInt.of(p.exitValue());
  }

  /**
   * Waits until {@code ready} holds, checking every 200 ms.
   *
   * @throws IOException when the process ends first or {@code timeout} passes (the message names
   *     the log)
   */
  public void awaitReady(String what, BooleanSupplier ready, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!ready.getAsBoolean()) {
      if (!alive()) {
        throw new IOException(
            name + " exited with status " + exitStatus() + " before " + what + "; see " + log);
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(name + " not " + what + " within " + timeout + "; see " + log);
      }
      Thread.sleep(200);
    }
  }

  /** Whether the log holds {@code text} (a readiness line). */
  public boolean logContains(String text) {
    try {
      return Files.exists(log) && Files.readString(log).contains(text);
    } catch (IOException e) {
      return false;
    }
  }

  /** Sends SIGTERM without waiting (to stop several processes at once). */
  public void terminate() {
    Process p = process;
    if (p != null && p.isAlive()) {
      p.destroy();
    }
  }

  /** {@code kill -9}: no shutdown hooks run; waits until it is gone. */
  public void kill() throws InterruptedException {
    Process p = process;
    if (p != null) {
      p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    removeKiller();
  }

  /** SIGTERM (its shutdown hooks run), then {@code kill -9} after {@code grace}. */
  public void stop(Duration grace) throws InterruptedException {
    Process p = process;
    if (p != null && p.isAlive()) {
      p.destroy();
      if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
    removeKiller();
  }

  /** {@link #stop(Duration)} with 30 s of grace. */
  @Override
  public void close() throws InterruptedException {
    stop(Duration.ofSeconds(30));
  }

  private void removeKiller() {
    Thread k = killer;
    killer = null;
    if (k != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(k);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs or has run
      }
    }
  }

  /** The {@code java} of this JVM. */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
