package io.openmede.bench.recognizer;

import io.openmede.embedded.cli.BrokerCommand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A temporary embedded platform (KRaft broker and schema registry) in a JVM of its own, as {@code
 * openmede broker --temporary --free-ports} runs it: the benchmark's recognizer process then holds
 * only the recognizer, as in a deployment, while the broker still shares the machine.
 */
public final class BrokerProcess implements AutoCloseable {

  private static final Pattern READY =
      Pattern.compile(
          Pattern.quote(BrokerCommand.READY_PREFIX) + "bootstrap=(\\S+) registry=(\\S+)");

  private final Process process;
  private final String bootstrapServers;
  private final String registryUrl;

  private final Thread stopper;

  private BrokerProcess(
      Process process, String bootstrapServers, String registryUrl, Thread stopper) {
    this.process = process;
    this.stopper = stopper;
    this.bootstrapServers = bootstrapServers;
    this.registryUrl = registryUrl;
  }

  /**
   * Starts the broker JVM with this JVM's class path and system properties and waits until it says
   * it is ready; its log goes to {@code log}.
   *
   * @throws IOException when it cannot start or does not get ready within two minutes (the message
   *     names the log)
   */
  static BrokerProcess start(Path log) throws IOException, InterruptedException {
    return start(log, List.of("--temporary", "--free-ports"));
  }

  /**
   * Starts the broker JVM with its data in {@code dataDir} (kept when it stops) on the given Kafka
   * and registry ports, so that stopping it and starting it again with the same arguments brings
   * back the same cluster (topics, offsets, transactions, schemas) at the same addresses; otherwise
   * as {@link #start(Path)}.
   */
  public static BrokerProcess startKeeping(Path log, Path dataDir, int port, int registryPort)
      throws IOException, InterruptedException {
    return start(
        log,
        List.of(
            "--data-dir",
            dataDir.toString(),
            "--port",
            Integer.toString(port),
            "--registry-port",
            Integer.toString(registryPort)));
  }

  private static BrokerProcess start(Path log, List<String> args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("-D")) {
        command.add(arg);
      }
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(BrokerCommand.class.getName());
    command.addAll(args);
    Process p =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    // Ctrl-C or SIGTERM to the benchmark stops the broker too (it then removes its data)
    Thread stopper = new Thread(p::destroy, "bench-broker-stopper");
    Runtime.getRuntime().addShutdownHook(stopper);
    try {
      return awaitReady(p, log, stopper);
    } catch (IOException | RuntimeException e) {
      removeHook(stopper);
      throw e;
    }
  }

  private static BrokerProcess awaitReady(Process p, Path log, Thread stopper)
      throws IOException, InterruptedException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<Matcher> ready =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                  Matcher m = READY.matcher(line);
                  if (m.find()) {
                    return m;
                  }
                }
                return null;
              } catch (IOException e) {
                return null;
              }
            });
    Matcher m;
    try {
      m = ready.get(2, TimeUnit.MINUTES);
    } catch (ExecutionException | TimeoutException e) {
      m = null;
    }
    if (m == null) {
      p.destroyForcibly();
      throw new IOException(
          "the benchmark's broker process did not get ready within 2 minutes; see " + log);
    }
    Thread drain =
        new Thread(
            () -> {
              try {
                out.transferTo(java.io.Writer.nullWriter());
              } catch (IOException e) {
                // the process ended
              }
            },
            "bench-broker-stdout");
    drain.setDaemon(true);
    drain.start();
    return new BrokerProcess(p, m.group(1), m.group(2), stopper);
  }

  /** The broker JVM's process id. */
  long pid() {
    return process.pid();
  }

  /** Gives the broker's threads nice value {@code nice}; how many were changed. */
  int lowerPriority(int nice) {
    return io.openmede.recognizer.threads.ThreadPriorities.lowerProcess(process.pid(), nice);
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public String registryUrl() {
    return registryUrl;
  }

  /**
   * SIGTERM, then waits (the broker removes temporary data, keeps a data directory); kills it after
   * 30 s.
   */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    removeHook(stopper);
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs or has run
    }
  }
}
