package io.openmede.stack.kafka;

import io.openmede.stack.ChildProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * One KRaft node (broker and controller) in a JVM of its own, run as Kafka's own {@code kafka.Kafka
 * server.properties} from this JVM's class path.
 *
 * <p>Listeners, all on 127.0.0.1 and all TLS: {@code CLIENT} (SASL_SSL with SCRAM-SHA-512, for
 * every service), {@code INTERNAL} (mutual TLS between the nodes) and {@code CONTROLLER} (mutual
 * TLS, the KRaft quorum). A node's principal on the mutual-TLS listeners is the common name of its
 * certificate ({@code kafka-node-N}), a super user; everyone else is authorized by ACLs.
 *
 * <p>Storage is formatted in this JVM (Kafka's {@link Formatter}, as {@code kafka-storage format}
 * does) only when {@code meta.properties} is absent, with the SCRAM credential of the stack's admin
 * user among the bootstrap records. Thread-safe.
 */
public final class KafkaNode implements AutoCloseable {

  /** The line Kafka logs when the node serves. */
  static final String READY_LINE = "Kafka Server started";

  /** Ports of a node on 127.0.0.1. */
  public record Ports(int client, int internal, int controller) {}

  /** TLS material of a node: its key store, the trust store of the stack's CA, their password. */
  public record Tls(Path keyStore, Path trustStore, String password) {}

  private final int id;
  private final Path dir;
  private final Ports ports;
  private final ChildProcess process;

  private KafkaNode(int id, Path dir, Ports ports, ChildProcess process) {
    this.id = id;
    this.dir = dir;
    this.ports = ports;
    this.process = process;
  }

  /**
   * Writes the node's configuration into {@code dir}, formats its storage if needed, and prepares
   * (does not start) its process.
   *
   * @param voters {@code 1@127.0.0.1:port,...} of every controller
   * @param superUsers principals allowed everything ({@code User:kafka-node-1;...})
   * @param scramBootstrap SCRAM credentials written at format time ({@code
   *     SCRAM-SHA-512=[name=...,password=...]})
   * @param heap {@code -Xmx} of the node's JVM ({@code 320m})
   */
  public static KafkaNode prepare(
      int id,
      Path dir,
      Ports ports,
      String voters,
      String clusterId,
      Tls tls,
      String superUsers,
      List<String> scramBootstrap,
      String heap)
      throws IOException {
    Path data = dir.resolve("data");
    Files.createDirectories(data);
    Properties p = config(id, data, ports, voters, tls, superUsers);
    Path file = dir.resolve("server.properties");
    try (OutputStream out = Files.newOutputStream(file)) {
      p.store(out, "openmede stack: KRaft node " + id);
    }
    formatIfNeeded(id, data, clusterId, scramBootstrap);
    Path logback = dir.resolve("logback.xml");
    Files.writeString(logback, LOGBACK);
    List<String> cmd = new ArrayList<>();
    cmd.add(ChildProcess.java());
    cmd.add("-Xmx" + heap);
    cmd.add("-Xms64m");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Xss512k");
    cmd.add("-Dlogback.configurationFile=" + logback);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("kafka.Kafka");
    cmd.add(file.toString());
    return new KafkaNode(
        id, dir, ports, new ChildProcess("kafka-" + id, cmd, Map.of(), dir.resolve("node.log")));
  }

  static Properties config(
      int id, Path data, Ports ports, String voters, Tls tls, String superUsers) {
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", Integer.toString(id));
    p.setProperty("controller.quorum.voters", voters);
    p.setProperty(
        "listeners",
        "CLIENT://127.0.0.1:"
            + ports.client()
            + ",INTERNAL://127.0.0.1:"
            + ports.internal()
            + ",CONTROLLER://127.0.0.1:"
            + ports.controller());
    p.setProperty(
        "advertised.listeners",
        "CLIENT://127.0.0.1:" + ports.client() + ",INTERNAL://127.0.0.1:" + ports.internal());
    p.setProperty("listener.security.protocol.map", "CLIENT:SASL_SSL,INTERNAL:SSL,CONTROLLER:SSL");
    p.setProperty("inter.broker.listener.name", "INTERNAL");
    p.setProperty("controller.listener.names", "CONTROLLER");
    // clients: SCRAM over TLS
    p.setProperty("sasl.enabled.mechanisms", "SCRAM-SHA-512");
    p.setProperty("listener.name.client.sasl.enabled.mechanisms", "SCRAM-SHA-512");
    p.setProperty(
        "listener.name.client.scram-sha-512.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    // TLS everywhere; nodes prove who they are with their certificate
    p.setProperty("ssl.keystore.type", "PKCS12");
    p.setProperty("ssl.keystore.location", tls.keyStore().toString());
    p.setProperty("ssl.keystore.password", tls.password());
    p.setProperty("ssl.key.password", tls.password());
    p.setProperty("ssl.truststore.type", "PKCS12");
    p.setProperty("ssl.truststore.location", tls.trustStore().toString());
    p.setProperty("ssl.truststore.password", tls.password());
    p.setProperty("listener.name.internal.ssl.client.auth", "required");
    p.setProperty("listener.name.controller.ssl.client.auth", "required");
    p.setProperty("ssl.principal.mapping.rules", "RULE:^CN=([^,]*)$/$1/,DEFAULT");
    // least privilege: nothing without an ACL
    p.setProperty(
        "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    p.setProperty("super.users", superUsers);
    p.setProperty("allow.everyone.if.no.acl.found", "false");
    // three copies of everything, two in sync for every acknowledged write
    p.setProperty("default.replication.factor", "3");
    p.setProperty("min.insync.replicas", "2");
    p.setProperty("offsets.topic.replication.factor", "3");
    p.setProperty("offsets.topic.num.partitions", "8");
    p.setProperty("transaction.state.log.replication.factor", "3");
    p.setProperty("transaction.state.log.min.isr", "2");
    p.setProperty("transaction.state.log.num.partitions", "8");
    p.setProperty("share.coordinator.state.topic.replication.factor", "3");
    p.setProperty("share.coordinator.state.topic.min.isr", "2");
    p.setProperty("auto.create.topics.enable", "false");
    p.setProperty("unclean.leader.election.enable", "false");
    // a node that stops answering loses its leaderships within seconds
    p.setProperty("broker.session.timeout.ms", "6000");
    p.setProperty("broker.heartbeat.interval.ms", "1000");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    // frame batches stay under 8 MiB (notes/kafka.md)
    p.setProperty("message.max.bytes", "9437184");
    p.setProperty("replica.fetch.max.bytes", "9437184");
    // a small machine: few threads, a small cleaner buffer
    p.setProperty("num.network.threads", "2");
    p.setProperty("num.io.threads", "2");
    p.setProperty("background.threads", "2");
    p.setProperty("log.cleaner.dedupe.buffer.size", "8388608");
    p.setProperty("log.dirs", data.toString());
    p.setProperty("metadata.log.dir", data.toString());
    return p;
  }

  private static void formatIfNeeded(
      int id, Path data, String clusterId, List<String> scramBootstrap) throws IOException {
    if (Files.exists(data.resolve("meta.properties"))) {
      return;
    }
    try {
      new Formatter()
          .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
          .setNodeId(id)
          .setClusterId(clusterId)
          .setDirectories(List.of(data.toString()))
          .setReleaseVersion(MetadataVersion.latestProduction())
          .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
          .setControllerListenerName("CONTROLLER")
          .setMetadataLogDirectory(data.toString())
          .setScramArguments(scramBootstrap)
          .run();
    } catch (Exception e) {
      throw new IOException("cannot format the storage of Kafka node " + id + " in " + data, e);
    }
  }

  public int id() {
    return id;
  }

  public Path dir() {
    return dir;
  }

  public Ports ports() {
    return ports;
  }

  /** {@code 127.0.0.1:port} of the client listener. */
  public String clientAddress() {
    return "127.0.0.1:" + ports.client();
  }

  public ChildProcess process() {
    return process;
  }

  /** Starts the node's JVM (again). */
  public void start() throws IOException {
    process.start();
  }

  /** Waits until the node logs that it serves. */
  public void awaitStarted(Duration timeout) throws IOException, InterruptedException {
    process.awaitReady("started", this::served, timeout);
  }

  /** Whether the log holds the ready line after its last start. */
  private boolean served() {
    try {
      String text = Files.readString(process.log());
      int lastStart = text.lastIndexOf("---- ");
      return text.indexOf(READY_LINE, Math.max(0, lastStart)) >= 0;
    } catch (IOException e) {
      return false;
    }
  }

  public boolean alive() {
    return process.alive();
  }

  /** {@code kill -9}. */
  public void kill() throws InterruptedException {
    process.kill();
  }

  /** SIGTERM: a controlled shutdown (leaderships move first). */
  @Override
  public void close() throws InterruptedException {
    process.stop(Duration.ofSeconds(30));
  }

  private static final String LOGBACK =
      """
      <configuration>
        <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
          <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{30} - %msg%n</pattern></encoder>
        </appender>
        <logger name="kafka.server.KafkaRaftServer" level="INFO"/>
        <logger name="kafka.server.BrokerServer" level="INFO"/>
        <logger name="org.apache.kafka.controller.QuorumController" level="INFO"/>
        <logger name="state.change.logger" level="WARN"/>
        <root level="WARN"><appender-ref ref="OUT"/></root>
      </configuration>
      """;
}
