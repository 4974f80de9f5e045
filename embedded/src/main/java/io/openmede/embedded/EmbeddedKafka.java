package io.openmede.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker in KRaft mode (one node, broker and controller), running in this JVM
 * from the Maven Central jars; the embedded default of the project, for {@code openmede demo},
 * {@code openmede broker} and the integration tests.
 *
 * <p>Kafka's broker classes are internal: this class is written against Kafka 4.4.0 exactly, which
 * the parent POM pins. Storage is formatted only when {@code meta.properties} is absent, so a
 * persistent data directory keeps its topics across restarts. A temporary directory (no data
 * directory given) is deleted on {@link #close()}.
 *
 * <p>Sized for the project: records up to {@value #MAX_MESSAGE_BYTES} bytes, transactions
 * (exactly-once) on one broker, no initial rebalance delay. Lifecycle: {@link Builder#start()}
 * returns a running broker or throws, leaving no broker threads behind; {@link #close()} stops it
 * and waits for its threads. Thread-safe.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

  /** The broker's {@code message.max.bytes}: a frame batch topic's limit plus headroom. */
  public static final int MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

  private static final int NODE_ID = 1;

  private final KafkaRaftServer server;
  private final Path dataDir;
  private final boolean temporary;
  private final int port;
  private final long startupMillis;
  private Thread shutdownHook;
  private boolean closed;

  private EmbeddedKafka(
      KafkaRaftServer server, Path dataDir, boolean temporary, int port, long startupMillis) {
    this.server = server;
    this.dataDir = dataDir;
    this.temporary = temporary;
    this.port = port;
    this.startupMillis = startupMillis;
  }

  private synchronized void installShutdownHook() {
    shutdownHook = new Thread(this::close, "embedded-kafka-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Settings of a broker to start; everything is optional. */
  public static Builder builder() {
    return new Builder();
  }

  /** Starts a broker on free ports in a temporary directory, deleted on close (tests). */
  public static EmbeddedKafka startTemporary() {
    return builder().start();
  }

  /** {@code host:port} of the PLAINTEXT listener, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** The data directory (log dirs and KRaft metadata). */
  public Path dataDir() {
    return dataDir;
  }

  /** Milliseconds from the start call until the broker answered an admin request. */
  public long startupMillis() {
    return startupMillis;
  }

  /** Stops the broker, waits for its threads, and deletes a temporary data directory. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down
      }
    }
    stop(server);
    if (temporary) {
      deleteRecursively(dataDir);
    }
  }

  private static void stop(KafkaRaftServer server) {
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      LOG.warn("embedded Kafka broker did not shut down cleanly", e);
    }
  }

  static void deleteRecursively(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
              Files.deleteIfExists(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      LOG.warn("cannot delete temporary directory {}: {}", root, e.toString());
    }
  }

  /** Settings of an {@link EmbeddedKafka}: {@code opt} methods, then {@link #start()}. */
  public static final class Builder {
    private Path dataDir;
    private int port;
    private int controllerPort;
    private boolean shutdownHook;
    private int offsetsTopicPartitions = 3;
    private final Map<String, String> overrides = new HashMap<>();

    private Builder() {}

    /** A persistent data directory, created if missing; a temporary one when not set. */
    public Builder optDataDir(Path dir) {
      this.dataDir = Objects.requireNonNull(dir, "data dir");
      return this;
    }

    /** The PLAINTEXT listener port; a free port when not set or 0. */
    public Builder optPort(int port) {
      this.port = checkPort(port);
      return this;
    }

    /** The controller listener port; a free port when not set or 0. */
    public Builder optControllerPort(int port) {
      this.controllerPort = checkPort(port);
      return this;
    }

    /** Stops the broker in a JVM shutdown hook (SIGTERM, Ctrl-C) if not closed before. */
    public Builder optShutdownHook(boolean install) {
      this.shutdownHook = install;
      return this;
    }

    /** Partitions of {@code __consumer_offsets}; 3 by default (Kafka's 50 slow start-up). */
    public Builder optOffsetsTopicPartitions(int partitions) {
      if (partitions < 1) {
        throw new IllegalArgumentException(
            "offsets.topic.num.partitions must be >= 1, got " + partitions);
      }
      this.offsetsTopicPartitions = partitions;
      return this;
    }

    /** Any other broker property, applied last. */
    public Builder optBrokerProperty(String name, String value) {
      overrides.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
      return this;
    }

    private static int checkPort(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port " + port + " is not in 0..65535");
      }
      return port;
    }

    /**
     * Formats storage if needed, starts the broker and waits until it answers.
     *
     * @throws IllegalStateException when it cannot start; no broker threads are left running
     */
    public EmbeddedKafka start() {
      long t0 = System.nanoTime();
      boolean temporary = dataDir == null;
      Path dir;
      try {
        dir = temporary ? Files.createTempDirectory("openmede-kafka-") : dataDir;
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the broker data directory " + dataDir, e);
      }
      int brokerPort = port == 0 ? LoopbackPorts.free() : port;
      int ctlPort = controllerPort == 0 ? LoopbackPorts.free() : controllerPort;
      if (ctlPort == brokerPort) {
        ctlPort = LoopbackPorts.free();
      }
      Path logDir = dir.resolve("kafka-logs");
      Map<String, String> props = properties(logDir, brokerPort, ctlPort);
      KafkaRaftServer server = null;
      try {
        KafkaConfig config = new KafkaConfig(props, false);
        formatIfNeeded(logDir, ctlPort);
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        awaitReady("127.0.0.1:" + brokerPort);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        EmbeddedKafka kafka = new EmbeddedKafka(server, dir, temporary, brokerPort, millis);
        if (shutdownHook) {
          kafka.installShutdownHook();
        }
        LOG.info(
            "embedded Kafka broker up at 127.0.0.1:{} in {} ms (data {})", brokerPort, millis, dir);
        return kafka;
      } catch (RuntimeException | Error e) {
        if (server != null) {
          stop(server);
        }
        if (temporary) {
          deleteRecursively(dir);
        }
        throw new IllegalStateException(
            "cannot start the embedded Kafka broker on 127.0.0.1:"
                + brokerPort
                + " (controller "
                + ctlPort
                + ", data "
                + dir
                + "): "
                + e.getMessage()
                + " — is the port in use or the data directory held by another broker?",
            e);
      }
    }

    private Map<String, String> properties(Path logDir, int brokerPort, int ctlPort) {
      Map<String, String> p = new HashMap<>();
      p.put("process.roles", "broker,controller");
      p.put("node.id", Integer.toString(NODE_ID));
      p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + ctlPort);
      p.put(
          "listeners",
          "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + ctlPort);
      p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
      p.put("controller.listener.names", "CONTROLLER");
      p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
      p.put("inter.broker.listener.name", "PLAINTEXT");
      p.put("log.dirs", logDir.toString());
      // one broker: every internal topic has one replica, and transactions (exactly-once) work
      p.put("offsets.topic.replication.factor", "1");
      p.put("offsets.topic.num.partitions", Integer.toString(offsetsTopicPartitions));
      p.put("transaction.state.log.replication.factor", "1");
      p.put("transaction.state.log.min.isr", "1");
      p.put("transaction.state.log.num.partitions", "3");
      p.put("share.coordinator.state.topic.replication.factor", "1");
      p.put("share.coordinator.state.topic.min.isr", "1");
      p.put("default.replication.factor", "1");
      p.put("min.insync.replicas", "1");
      p.put("num.partitions", "1");
      p.put("group.initial.rebalance.delay.ms", "0");
      p.put("auto.create.topics.enable", "false");
      // frame batches: a topic may raise max.message.bytes up to this
      p.put("message.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
      p.put("replica.fetch.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
      p.put("socket.request.max.bytes", Integer.toString(4 * MAX_MESSAGE_BYTES + 1024 * 1024));
      p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
      p.put("log.segment.bytes", Integer.toString(64 * 1024 * 1024));
      p.putAll(overrides);
      return p;
    }

    private static void formatIfNeeded(Path logDir, int ctlPort) {
      if (Files.exists(logDir.resolve("meta.properties"))) {
        return;
      }
      try {
        Files.createDirectories(logDir);
        new Formatter()
            .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
            .setNodeId(NODE_ID)
            .setClusterId(Uuid.randomUuid().toString())
            .setDirectories(List.of(logDir.toString()))
            .setReleaseVersion(MetadataVersion.latestProduction())
            .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
            .setControllerListenerName("CONTROLLER")
            .setMetadataLogDirectory(logDir.toString())
            .run();
      } catch (Exception e) {
        throw new IllegalStateException(
            "cannot format Kafka storage in " + logDir + ": " + e.getMessage(), e);
      }
    }

    private static void awaitReady(String bootstrap) {
      Map<String, Object> config = new HashMap<>();
      config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
      config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000);
      try (Admin admin = Admin.create(config)) {
        admin.describeCluster().nodes().get(60, TimeUnit.SECONDS);
        Optional.ofNullable(admin.listTopics().names().get(60, TimeUnit.SECONDS));
      } catch (Exception e) {
        throw new IllegalStateException("broker did not answer within 60 s: " + e, e);
      }
    }
  }
}
