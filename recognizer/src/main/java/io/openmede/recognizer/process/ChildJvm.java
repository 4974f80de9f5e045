package io.openmede.recognizer.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A program in a JVM of its own, started with this JVM's class path and the system properties the
 * launcher sets: its output (stdout and stderr) goes to a log file; a shutdown hook of this JVM
 * kills it, so that none outlives a benchmark stopped with Ctrl-C.
 */
public final class ChildJvm implements AutoCloseable {

  private final String name;
  private final Process process;
  private final Thread killer;

  private ChildJvm(String name, Process process, Thread killer) {
    this.name = name;
    this.process = process;
    this.killer = killer;
  }

  /**
   * Starts {@code mainClass} with {@code args}; when {@code readyLine} is given, waits until the
   * program prints that line.
   *
   * @param maxHeap {@code -Xmx} of the process, e.g. {@code 768m}
   * @throws IOException when it does not print {@code readyLine} within {@code timeout} (the
   *     message names the log)
   */
  public static ChildJvm start(
      String name,
      String mainClass,
      List<String> args,
      String maxHeap,
      Path log,
      Optional<String> readyLine,
      Duration timeout)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + maxHeap);
    for (String p :
        List.of(
            "org.apache.avro.SERIALIZABLE_PACKAGES",
            "org.bytedeco.javacpp.cachedir",
            "openmede.root")) {
      if (System.getProperty(p) != null) {
        cmd.add("-D" + p + "=" + System.getProperty(p));
      }
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    Thread killer = new Thread(p::destroyForcibly, "child-jvm-killer-" + name);
    Runtime.getRuntime().addShutdownHook(killer);
    CountDownLatch ready = new CountDownLatch(1);
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader r =
                      new BufferedReader(
                          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                  Writer w =
                      Files.newBufferedWriter(
                          log,
                          StandardCharsets.UTF_8,
                          StandardOpenOption.CREATE,
                          StandardOpenOption.APPEND)) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                  w.write(line);
                  w.write('\n');
                  w.flush();
                  if (readyLine.isPresent() && line.equals(readyLine.get())) {
                    ready.countDown();
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
            },
            "child-jvm-log-" + name);
    pump.setDaemon(true);
    pump.start();
    ChildJvm child = new ChildJvm(name, p, killer);
    if (readyLine.isPresent() && !ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      child.kill();
      throw new IOException(
          name + " did not print '" + readyLine.get() + "' within " + timeout + "; see " + log);
    }
    return child;
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** {@code kill -9}: no shutdown hooks, no last commit; waits until it is gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    removeKiller();
  }

  /** SIGTERM (the program's shutdown hooks run), then {@code kill -9} after 30 s. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    removeKiller();
  }

  private void removeKiller() {
    try {
      Runtime.getRuntime().removeShutdownHook(killer);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs or has run
    }
  }
}
