package io.openmede.stack;

import io.openmede.schemas.registry.CompatibilityLevel;
import io.openmede.stack.access.Role;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code openmede stack}: the production stack on this machine until Ctrl-C (see {@link Stack}).
 */
@Command(
    name = "stack",
    mixinStandardHelpOptions = true,
    description = {
      "Start the deployment as users run it, on this machine: three Kafka nodes in their own JVMs"
          + " (TLS on every listener, SASL/SCRAM users per role, ACLs), Apicurio Registry (HTTPS,"
          + " Confluent-compatible API) and every service of deploy/compose.yaml in its own process"
          + " with its role's credentials. Prints where everything is; Ctrl-C stops all.",
      "Data, certificates and passwords are kept in --dir across runs."
    },
    subcommands = StackCommand.AclsCommand.class)
public final class StackCommand implements Callable<Integer> {

  /** The launcher's main class, which the services run. */
  public static final String LAUNCHER = "io.openmede.cli.Main";

  @Option(
      names = "--dir",
      defaultValue = "data/stack",
      paramLabel = "DIR",
      description = "Where the stack keeps everything (default: ${DEFAULT-VALUE}).")
  Path dir;

  @Option(
      names = "--services",
      split = ",",
      paramLabel = "NAME",
      description =
          "Only these services of deploy/compose.yaml (ingest, ingest-labeled, keys, recognizer,"
              + " recognizer-2, trainer, events, labeler); default: all.")
  List<String> services = new ArrayList<>();

  @Option(
      names = "--http",
      paramLabel = "PORT",
      description = "Port of the live page (served by the recognizer); default: a free port.")
  Integer http;

  @Option(
      names = "--node-heap",
      defaultValue = "320m",
      paramLabel = "SIZE",
      description = "-Xmx of each Kafka node (default: ${DEFAULT-VALUE}).")
  String nodeHeap;

  @Option(
      names = "--registry-heap",
      defaultValue = "160m",
      paramLabel = "SIZE",
      description = "-Xmx of the registry (default: ${DEFAULT-VALUE}).")
  String registryHeap;

  @Override
  public Integer call() throws Exception {
    Set<String> known = new LinkedHashSet<>();
    io.openmede.stack.service.StackService.compose().forEach(s -> known.add(s.name()));
    for (String s : services) {
      if (!known.contains(s)) {
        throw new picocli.CommandLine.ParameterException(
            new picocli.CommandLine(this), "--services: no service '" + s + "'; one of " + known);
      }
    }
    Stack.Options options =
        new Stack.Options(
            dir,
            Set.copyOf(services),
            http == null ? OptionalInt.empty() : OptionalInt.of(http),
            nodeHeap,
            registryHeap,
            Map.of(),
            CompatibilityLevel.BACKWARD_TRANSITIVE);
    CountDownLatch stopped = new CountDownLatch(1);
    Stack stack = Stack.startPlatform(options, System.out);
    Thread hook =
        new Thread(
            () -> {
              System.out.println("stack: stopping every service, the registry and the nodes");
              try {
                stack.close();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              stopped.countDown();
            },
            "stack-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stack.startServices(LAUNCHER, System.out);
    } catch (Exception e) {
      System.err.println("stack: " + e.getMessage());
      return 1; // the hook stops what started
    }
    print(stack);
    watchServices(stack, stopped);
    stopped.await();
    return 0;
  }

  /** Says when a service ends on its own (a supervisor would restart it; the stack reports it). */
  private static void watchServices(Stack stack, CountDownLatch stopped) {
    Thread t =
        new Thread(
            () -> {
              java.util.Set<String> reported = new java.util.HashSet<>();
              try {
                while (!stopped.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
                  for (Stack.RunningService r : stack.services()) {
                    if (!r.service().oneShot()
                        && !r.process().alive()
                        && reported.add(r.service().name())) {
                      System.out.println(
                          "stack: "
                              + r.service().name()
                              + " exited with status "
                              + r.process().exitStatus().orElse(-1)
                              + "; see "
                              + r.process().log());
                    }
                  }
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "stack-watch");
    t.setDaemon(true);
    t.start();
  }

  private static void print(Stack stack) {
    System.out.println("stack: ready");
    System.out.println(
        "  kafka      " + stack.cluster().bootstrapServers() + "  (SASL_SSL, SCRAM-SHA-512)");
    System.out.println("  registry   " + stack.registry().url());
    System.out.println(
        "  truststore "
            + stack.cluster().ca().trustStore()
            + "  (CA "
            + stack.cluster().ca().caPem()
            + ")");
    System.out.println(
        "  users      "
            + String.join(", ", java.util.Arrays.stream(Role.values()).map(Role::user).toList())
            + "  (passwords in "
            + stack.options().dir().resolve("secrets")
            + ")");
    for (Stack.RunningService r : stack.services()) {
      if (r.process().alive()) {
        System.out.println(
            "  "
                + String.format("%-14s", r.service().name())
                + " pid "
                + r.process().pid()
                + "  log "
                + r.process().log()
                + r.port().stream()
                    .mapToObj(p -> "  page http://127.0.0.1:" + p + "/")
                    .findFirst()
                    .orElse(""));
      }
    }
    System.out.println("Ctrl-C stops everything.");
  }

  /** {@code openmede stack acls}: the role table as kafka-acls commands or Strimzi KafkaUsers. */
  @Command(
      name = "acls",
      mixinStandardHelpOptions = true,
      description = {
        "Print the ACLs of every role (the files in deploy/acls and deploy/strimzi are this"
            + " output): kafka-acls commands for any cluster, or Strimzi KafkaUser resources."
      })
  static final class AclsCommand implements Callable<Integer> {
    enum Format {
      KAFKA_ACLS,
      STRIMZI
    }

    @Option(
        names = "--format",
        defaultValue = "KAFKA_ACLS",
        description = "kafka_acls or strimzi (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() {
      io.openmede.schemas.topic.TopicNames names = io.openmede.schemas.topic.TopicNames.defaults();
      System.out.print(
          format == Format.STRIMZI
              ? io.openmede.stack.access.AclFiles.strimziUsers(names)
              : io.openmede.stack.access.AclFiles.kafkaAcls(names));
      return 0;
    }
  }
}
