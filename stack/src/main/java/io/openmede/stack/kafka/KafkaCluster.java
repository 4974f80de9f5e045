package io.openmede.stack.kafka;

import io.openmede.stack.tls.LocalCertificateAuthority;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;

/**
 * Three KRaft nodes on this machine, each broker and controller in a JVM of its own, with TLS on
 * every listener, SCRAM for clients and the standard authorizer (see {@link KafkaNode}). Made in a
 * directory on first start (ports, cluster id, the admin's password are kept in {@code
 * cluster.properties}), started again from it later.
 *
 * <p>The stack's own admin ({@value #ADMIN_USER}, a super user) creates users, ACLs and topics;
 * services never get its credentials. Thread-safe for the reading methods; start and stop from one
 * thread.
 */
public final class KafkaCluster implements AutoCloseable {

  /** The stack's admin user (a super user), created at format time. */
  public static final String ADMIN_USER = "openmede-admin";

  /** Nodes of the cluster. */
  public static final int NODES = 3;

  private final Path dir;
  private final List<KafkaNode> nodes;
  private final String adminPassword;
  private final LocalCertificateAuthority ca;

  private KafkaCluster(
      Path dir, List<KafkaNode> nodes, String adminPassword, LocalCertificateAuthority ca) {
    this.dir = dir;
    this.nodes = List.copyOf(nodes);
    this.adminPassword = adminPassword;
    this.ca = ca;
  }

  /**
   * Prepares the cluster in {@code dir} (configuration, storage, certificates), keeping what an
   * earlier start made there, without starting it.
   *
   * @param heap {@code -Xmx} of each node
   */
  public static KafkaCluster prepare(Path dir, LocalCertificateAuthority ca, String heap)
      throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve("cluster.properties");
    Properties kept = new Properties();
    if (Files.exists(file)) {
      try (var in = Files.newInputStream(file)) {
        kept.load(in);
      }
    } else {
      kept.setProperty("cluster.id", Uuid.randomUuid().toString());
      kept.setProperty("admin.password", Uuid.randomUuid().toString().replace("-", ""));
      for (int i = 1; i <= NODES; i++) {
        kept.setProperty("node." + i + ".client", Integer.toString(freePort()));
        kept.setProperty("node." + i + ".internal", Integer.toString(freePort()));
        kept.setProperty("node." + i + ".controller", Integer.toString(freePort()));
      }
      try (var out = Files.newOutputStream(file)) {
        kept.store(out, "openmede stack: the cluster's ports, id and admin password");
      }
      restrict(file);
    }
    String adminPassword = kept.getProperty("admin.password");
    List<KafkaNode.Ports> ports = new ArrayList<>();
    for (int i = 1; i <= NODES; i++) {
      ports.add(
          new KafkaNode.Ports(
              Integer.parseInt(kept.getProperty("node." + i + ".client")),
              Integer.parseInt(kept.getProperty("node." + i + ".internal")),
              Integer.parseInt(kept.getProperty("node." + i + ".controller"))));
    }
    String voters = "";
    for (int i = 1; i <= NODES; i++) {
      voters += (i > 1 ? "," : "") + i + "@127.0.0.1:" + ports.get(i - 1).controller();
    }
    String superUsers = "User:" + ADMIN_USER;
    for (int i = 1; i <= NODES; i++) {
      superUsers += ";User:" + nodeName(i);
    }
    List<KafkaNode> nodes = new ArrayList<>();
    for (int i = 1; i <= NODES; i++) {
      KafkaNode.Tls tls =
          new KafkaNode.Tls(ca.serverKeyStore(nodeName(i)), ca.trustStore(), ca.password());
      nodes.add(
          KafkaNode.prepare(
              i,
              dir.resolve("node-" + i),
              ports.get(i - 1),
              voters,
              kept.getProperty("cluster.id"),
              tls,
              superUsers,
              List.of("SCRAM-SHA-512=[name=" + ADMIN_USER + ",password=" + adminPassword + "]"),
              heap));
    }
    return new KafkaCluster(dir, nodes, adminPassword, ca);
  }

  /** The certificate name (and so the principal) of node {@code id}. */
  static String nodeName(int id) {
    return "kafka-node-" + id;
  }

  /** Starts every node and waits until each serves and the admin sees all of them. */
  public void start(Duration timeout) throws IOException, InterruptedException {
    for (KafkaNode n : nodes) {
      if (!n.alive()) {
        n.start();
      }
    }
    for (KafkaNode n : nodes) {
      n.awaitStarted(timeout);
    }
    awaitNodes(NODES, timeout);
  }

  /** Waits until the admin client sees {@code count} live brokers. */
  public void awaitNodes(int count, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = Admin.create(adminConfig())) {
      while (true) {
        try {
          int seen = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size();
          if (seen >= count) {
            return;
          }
        } catch (Exception e) {
          if (e instanceof InterruptedException ie) {
            throw ie;
          }
          // not yet
        }
        if (System.nanoTime() > deadline) {
          throw new IOException(
              "the Kafka cluster did not show "
                  + count
                  + " nodes within "
                  + timeout
                  + "; see "
                  + dir);
        }
        Thread.sleep(300);
      }
    }
  }

  /** {@code host:port,...} of the client listeners (SASL_SSL). */
  public String bootstrapServers() {
    return nodes.stream().map(KafkaNode::clientAddress).collect(Collectors.joining(","));
  }

  public List<KafkaNode> nodes() {
    return nodes;
  }

  /** Node {@code id} (1-based). */
  public KafkaNode node(int id) {
    return nodes.get(id - 1);
  }

  /** The stack's certificate authority. */
  public LocalCertificateAuthority ca() {
    return ca;
  }

  /** Client properties of {@code user}: SASL_SSL with SCRAM-SHA-512, trusting the stack's CA. */
  public Map<String, Object> clientConfig(String user, String password) {
    Map<String, Object> c = new HashMap<>();
    c.put("bootstrap.servers", bootstrapServers());
    c.put("security.protocol", "SASL_SSL");
    c.put("sasl.mechanism", "SCRAM-SHA-512");
    c.put("sasl.jaas.config", jaas(user, password));
    c.put("ssl.truststore.location", ca.trustStore().toString());
    c.put("ssl.truststore.password", ca.password());
    c.put("ssl.truststore.type", "PKCS12");
    return c;
  }

  /** The JAAS line of a SCRAM user. */
  public static String jaas(String user, String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + user
        + "\" password=\""
        + password
        + "\";";
  }

  /** The password of the stack's admin ({@value #ADMIN_USER}); never given to a service. */
  public String adminPassword() {
    return adminPassword;
  }

  /** Client properties of the stack's admin (a super user). */
  public Map<String, Object> adminConfig() {
    Map<String, Object> c = clientConfig(ADMIN_USER, adminPassword);
    c.put("request.timeout.ms", 10_000);
    c.put("default.api.timeout.ms", 30_000);
    return c;
  }

  /** The node leading partition {@code partition} of {@code topic}, if it has a leader. */
  public Optional<KafkaNode> leaderOf(String topic, int partition)
      throws IOException, InterruptedException {
    try (Admin admin = Admin.create(adminConfig())) {
      TopicPartitionInfo info =
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get(30, TimeUnit.SECONDS)
              .get(topic)
              .partitions()
              .get(partition);
      Node leader = info.leader();
      return leader == null || leader.isEmpty() ? Optional.empty() : Optional.of(node(leader.id()));
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IOException("cannot describe " + topic + ": " + e.getMessage(), e);
    }
  }

  /** The node of the active KRaft controller (the quorum leader). */
  public KafkaNode activeController() throws IOException, InterruptedException {
    try (Admin admin = Admin.create(adminConfig())) {
      int id = admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS).leaderId();
      return node(id);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IOException("cannot describe the metadata quorum: " + e.getMessage(), e);
    }
  }

  /** Stops every node (SIGTERM, controlled shutdown), the last one first. */
  @Override
  public void close() throws InterruptedException {
    for (KafkaNode n : nodes) {
      n.process().terminate();
    }
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).close();
    }
  }

  /** A port free on the loopback interface now. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void restrict(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(
          file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not POSIX
    }
  }
}
