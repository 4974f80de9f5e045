package io.openmede.embedded.cli;

import io.openmede.embedded.EmbeddedKafka;
import io.openmede.embedded.EmbeddedPlatform;
import io.openmede.schemas.registry.RestSchemaRegistryClient;
import io.openmede.schemas.topic.TopicNames;
import io.openmede.schemas.topic.TopicProvisioner;
import io.openmede.schemas.topic.Topics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code openmede broker}: runs the embedded Kafka broker and schema registry as a standalone
 * process for other processes and tools, with the project's topics created. Prints one line {@code
 * broker ready bootstrap=<host:port> registry=<url>} when ready, then runs until SIGTERM or Ctrl-C,
 * stops broker and registry cleanly and exits with 0.
 */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    description = {
      "Runs an embedded Apache Kafka broker (KRaft) and the embedded schema registry until"
          + " SIGTERM or Ctrl-C, with the project's topics created.",
      "Prints 'broker ready bootstrap=... registry=...' when ready."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:stopped cleanly (SIGTERM, Ctrl-C)",
      "1:could not start (port in use, data directory unusable)",
      "2:bad command line"
    })
public final class BrokerCommand implements Callable<Integer> {

  /** The line prefix printed when broker and registry are ready. */
  public static final String READY_PREFIX = "broker ready ";

  @Spec private CommandSpec spec;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = "./data/broker",
      description = "Broker data directory, kept across restarts (default: ${DEFAULT-VALUE}).")
  private Path dataDir;

  @Option(
      names = "--temporary",
      description = "Use a temporary data directory, deleted on exit, instead of --data-dir.")
  private boolean temporary;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "9092",
      description = "Kafka listener port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  private int port;

  @Option(
      names = "--registry-port",
      paramLabel = "PORT",
      defaultValue = "8081",
      description = "Schema registry port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  private int registryPort;

  @Option(
      names = "--free-ports",
      description = "Pick free ports instead of --port and --registry-port.")
  private boolean freePorts;

  @Option(
      names = "--partitions",
      paramLabel = "N",
      defaultValue = "" + Topics.DEFAULT_PARTITIONS,
      description =
          "Partitions of the frames, recognitions and labeled-clips topics (default:"
              + " ${DEFAULT-VALUE}).")
  private int partitions;

  /** Picocli creates it. */
  public BrokerCommand() {}

  /** Runs the command as its own program (the launcher normally wires it as a subcommand). */
  public static void main(String[] args) {
    System.exit(new CommandLine(new BrokerCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (partitions < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--partitions must be at least 1, got " + partitions);
    }
    EmbeddedKafka.Builder kafka = EmbeddedKafka.builder();
    if (!temporary) {
      kafka.optDataDir(dataDir.toAbsolutePath().normalize());
    }
    if (!freePorts) {
      kafka.optPort(port);
    }
    // The hook goes in before the broker starts, so a SIGTERM during start-up stops it too.
    AtomicReference<EmbeddedPlatform> running = new AtomicReference<>();
    AtomicBoolean ready = new AtomicBoolean();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              EmbeddedPlatform started = running.getAndSet(null);
              if (started != null) {
                started.close();
                out.println("broker stopped");
                out.flush();
              }
              stopped.countDown();
              if (ready.get()) {
                // A signal makes the JVM exit with 128+signal; a clean stop is success.
                Runtime.getRuntime().halt(0);
              }
            },
            "broker-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    EmbeddedPlatform platform;
    try {
      platform = EmbeddedPlatform.start(kafka, freePorts ? 0 : registryPort);
      running.set(platform);
      Topics topics =
          Topics.create(
              TopicNames.defaults(),
              partitions,
              RestSchemaRegistryClient.builder(platform.registryUrl()).build(),
              Map.of());
      List<String> created;
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", platform.bootstrapServers()))) {
        created = new TopicProvisioner(admin, Duration.ofSeconds(30)).ensure(topics);
      }
      if (!created.isEmpty()) {
        err.println("created topics " + String.join(", ", created));
      }
    } catch (RuntimeException e) {
      EmbeddedPlatform started = running.getAndSet(null);
      if (started != null) {
        started.close();
      }
      Runtime.getRuntime().removeShutdownHook(hook);
      err.println("broker failed to start: " + e.getMessage());
      err.flush();
      return 1;
    }
    ready.set(true);
    out.println(
        READY_PREFIX
            + "bootstrap="
            + platform.bootstrapServers()
            + " registry="
            + platform.registryUrl());
    out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      Runtime.getRuntime().removeShutdownHook(hook);
      EmbeddedPlatform started = running.getAndSet(null);
      if (started != null) {
        started.close();
      }
    }
    return 0;
  }
}
