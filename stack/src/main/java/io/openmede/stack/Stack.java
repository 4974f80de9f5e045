package io.openmede.stack;

import io.openmede.schemas.registry.CompatibilityLevel;
import io.openmede.schemas.registry.SchemaRegistryClient;
import io.openmede.schemas.registry.SubjectCompatibility;
import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.topic.ConnectionSettings;
import io.openmede.schemas.topic.Topic;
import io.openmede.schemas.topic.TopicNames;
import io.openmede.schemas.vocabulary.VocabularyWriter;
import io.openmede.stack.access.AccessControl;
import io.openmede.stack.access.Role;
import io.openmede.stack.kafka.KafkaCluster;
import io.openmede.stack.registry.ApicurioRegistry;
import io.openmede.stack.service.StackService;
import io.openmede.stack.tls.LocalCertificateAuthority;
import io.openmede.world.Action;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;

/**
 * The deployment on one machine, as users run it: three Kafka nodes ({@link KafkaCluster}: TLS on
 * every listener, SCRAM users per {@link Role}, ACLs), Apicurio Registry ({@link ApicurioRegistry},
 * HTTPS, the Confluent-compatible API) and the services of {@code deploy/compose.yaml} ({@link
 * StackService}), each in its own process with its role's credentials.
 *
 * <p>Start order: the local CA, the cluster, the registry; then, as the stack's admin, the role
 * users and ACLs, the topics (replication factor 3, {@code min.insync.replicas} 2, from the nodes'
 * defaults), every topic's schema registered with its subject at the configured compatibility
 * level, and once the base actions of the synthetic world as the vocabulary; then the services.
 * Everything lives in one directory, kept across starts. {@link #close()} stops the services, the
 * registry and the nodes, in that order.
 */
public final class Stack implements AutoCloseable {

  /**
   * How to start the stack.
   *
   * @param dir where everything lives (kept across starts)
   * @param services names of {@link StackService#compose()} to start; empty for every one
   * @param httpPort the live page's port; empty for a free one
   * @param nodeHeap {@code -Xmx} of each Kafka node
   * @param registryHeap {@code -Xmx} of the registry
   * @param extraEnvironment added to every service's environment (tests: shorter timeouts)
   * @param compatibility the level every subject is set to
   */
  public record Options(
      Path dir,
      Set<String> services,
      OptionalInt httpPort,
      String nodeHeap,
      String registryHeap,
      Map<String, String> extraEnvironment,
      CompatibilityLevel compatibility) {

    public Options {
      services = Set.copyOf(services);
      extraEnvironment = Map.copyOf(extraEnvironment);
    }

    /** Every service, small heaps, BACKWARD_TRANSITIVE. */
    public static Options defaults(Path dir) {
      return new Options(
          dir,
          Set.of(),
          OptionalInt.empty(),
          "320m",
          "160m",
          Map.of(),
          CompatibilityLevel.BACKWARD_TRANSITIVE);
    }
  }

  /** A service of the stack as it runs. */
  public record RunningService(StackService service, ChildProcess process, OptionalInt port) {}

  private final Options options;
  private final KafkaCluster cluster;
  private final ApicurioRegistry registry;
  private final Map<Role, String> passwords;
  private final List<RunningService> services = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, Integer> metricsPorts = new LinkedHashMap<>();

  private Stack(
      Options options,
      KafkaCluster cluster,
      ApicurioRegistry registry,
      Map<Role, String> passwords) {
    this.options = options;
    this.cluster = cluster;
    this.registry = registry;
    this.passwords = passwords;
  }

  /**
   * Starts the cluster and the registry and provisions them (users, ACLs, topics, schemas,
   * vocabulary), without the services; {@link #startServices} starts them.
   */
  public static Stack startPlatform(Options options, PrintStream out)
      throws IOException, InterruptedException {
    Path dir = options.dir().toAbsolutePath();
    Files.createDirectories(dir);
    long t0 = System.nanoTime();
    LocalCertificateAuthority ca = LocalCertificateAuthority.openOrCreate(dir.resolve("tls"));
    KafkaCluster cluster = KafkaCluster.prepare(dir.resolve("kafka"), ca, options.nodeHeap());
    ApicurioRegistry registry =
        ApicurioRegistry.prepare(
            dir.resolve("registry"),
            keptPort(dir.resolve("registry/port")),
            ca,
            options.registryHeap());
    boolean ok = false;
    try {
      cluster.start(Duration.ofMinutes(2));
      out.printf(
          "stack: 3 Kafka nodes up in %.1f s (%s)%n", secondsSince(t0), cluster.bootstrapServers());
      registry.start(Duration.ofMinutes(2));
      out.printf("stack: Apicurio Registry up at %s (%.1f s)%n", registry.url(), secondsSince(t0));
      Map<Role, String> passwords;
      try (Admin admin = Admin.create(cluster.adminConfig())) {
        passwords = AccessControl.ensureUsers(admin, dir.resolve("secrets"));
        AccessControl.applyAcls(admin, TopicNames.defaults());
      }
      Stack stack = new Stack(options, cluster, registry, passwords);
      stack.provision(out);
      out.printf("stack: users, ACLs, topics and schemas ready (%.1f s)%n", secondsSince(t0));
      ok = true;
      return stack;
    } finally {
      if (!ok) {
        registry.close();
        cluster.close();
      }
    }
  }

  private void provision(PrintStream out) throws IOException {
    Cluster admin = clusterAs(adminConnection());
    List<String> created = admin.ensureTopics();
    if (!created.isEmpty()) {
      out.println("stack: created topics " + created);
    }
    SchemaRegistryClient client = admin.registry();
    for (Topic<?, ?> t : admin.topics().all()) {
      Schema schema = valueSchema(t);
      String subject = SchemaRegistryClient.subjectFor(t.name(), false);
      client.register(subject, schema);
      SubjectCompatibility.enforce(client, subject, options.compatibility(), true);
    }
    Path seeded = options.dir().resolve("vocabulary-seeded");
    if (!Files.exists(seeded)) {
      Cluster operator = clusterAs(connection(Role.OPERATOR));
      try (VocabularyWriter vocabulary =
          new VocabularyWriter(
              operator.clientConfig(), operator.topics().vocabulary(), "openmede-stack-operator")) {
        for (Action a : Action.base()) {
          vocabulary.add(a.label(), List.of());
        }
      }
      Files.writeString(seeded, "the base actions were published once as the operator\n");
      out.println("stack: vocabulary seeded with the synthetic world's base actions");
    }
  }

  private static Schema valueSchema(Topic<?, ?> t) {
    if (t.valueSerde() instanceof io.openmede.schemas.serde.AvroSerde<?> avro) {
      return org.apache.avro.specific.SpecificData.get().getSchema(avro.type());
    }
    throw new IllegalStateException("topic " + t.name() + " has no Avro value serde");
  }

  /** A {@link Cluster} connected with {@code connection}, the default topic names. */
  public Cluster clusterAs(ConnectionSettings connection) {
    return Cluster.of(
        connection,
        TopicNames.defaults(),
        io.openmede.schemas.topic.Topics.DEFAULT_PARTITIONS,
        Map.of(
            io.openmede.schemas.serde.AvroSerializer.COMPATIBILITY_LEVEL_CONFIG,
            options.compatibility().name()));
  }

  /** How {@code role} connects: SASL_SSL with its SCRAM user, the stack's CA, the registry. */
  public ConnectionSettings connection(Role role) {
    return connection(role.user(), passwords.get(role));
  }

  /** How a user connects (any user: tests try unknown ones). */
  public ConnectionSettings connection(String user, String password) {
    return new ConnectionSettings(
        cluster.bootstrapServers(),
        "SASL_SSL",
        Optional.of("SCRAM-SHA-512"),
        Optional.of(KafkaCluster.jaas(user, password)),
        Optional.of(cluster.ca().trustStore().toString()),
        Optional.of(cluster.ca().password()),
        Optional.empty(),
        Optional.empty(),
        registry.url(),
        Optional.empty());
  }

  private ConnectionSettings adminConnection() {
    return connection(KafkaCluster.ADMIN_USER, cluster.adminPassword());
  }

  /** The environment of a service of {@code role}, as compose gives it plus the connection. */
  public Map<String, String> environment(Optional<Role> role) {
    Map<String, String> env = new LinkedHashMap<>();
    if (role.isPresent()) {
      ConnectionSettings c = connection(role.get());
      env.put("OPENMEDE_KAFKA_BOOTSTRAP_SERVERS", c.bootstrapServers());
      env.put("OPENMEDE_KAFKA_SECURITY_PROTOCOL", c.securityProtocol());
      env.put("OPENMEDE_KAFKA_SASL_MECHANISM", c.saslMechanism().orElseThrow());
      env.put("OPENMEDE_KAFKA_SASL_JAAS_CONFIG", c.saslJaasConfig().orElseThrow());
      env.put("OPENMEDE_KAFKA_SSL_TRUSTSTORE_LOCATION", c.sslTruststore().orElseThrow());
      env.put("OPENMEDE_KAFKA_SSL_TRUSTSTORE_PASSWORD", c.sslTruststorePassword().orElseThrow());
      env.put("OPENMEDE_SCHEMA_REGISTRY_URL", c.registryUrl());
      env.put(
          "OPENMEDE_SCHEMA_REGISTRY_COMPATIBILITY",
          options.compatibility().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
      // the stack's admin made the topics: a role may not create them
      env.put("OPENMEDE_TOPICS_CREATE", "false");
    }
    env.put("DJL_OFFLINE", "true");
    env.put("OPT_OUT_TRACKING", "true");
    return env;
  }

  /**
   * Starts the services named in the options (every one when none is named), each in its own JVM
   * with {@code mainClass} (the {@code openmede} launcher, {@code io.openmede.cli.Main}), and waits
   * for one-shot steps to finish.
   */
  public void startServices(String mainClass, PrintStream out)
      throws IOException, InterruptedException {
    for (StackService s : StackService.compose()) {
      // one-shot steps (the signing keys) run whatever is named: the services need them
      if (!s.oneShot() && !options.services().isEmpty() && !options.services().contains(s.name())) {
        continue;
      }
      startService(s, mainClass, out);
    }
  }

  /** Starts one service (again, when it was stopped). */
  public RunningService startService(StackService s, String mainClass, PrintStream out)
      throws IOException, InterruptedException {
    Path home = options.dir().toAbsolutePath().resolve("services");
    List<String> args = new ArrayList<>();
    OptionalInt pagePort = OptionalInt.empty();
    for (int i = 0; i < s.args().size(); i++) {
      String a = s.args().get(i);
      String previous = i > 0 ? s.args().get(i - 1) : "";
      if (previous.equals("--metrics-port")) {
        a = Integer.toString(metricsPort(s.name()));
      } else if (previous.equals("--http")) {
        int port =
            options.httpPort().isPresent()
                ? options.httpPort().getAsInt()
                : KafkaCluster.freePort();
        pagePort = OptionalInt.of(port);
        a = Integer.toString(port);
      }
      args.add(mapPath(a, home));
    }
    Map<String, String> env = environment(s.role());
    for (Map.Entry<String, String> e : s.environment().entrySet()) {
      String value =
          e.getKey().endsWith("_METRICS_PORT")
              ? Integer.toString(metricsPort(s.name()))
              : mapPath(e.getValue(), home);
      env.put(e.getKey(), value);
    }
    env.putAll(options.extraEnvironment());
    for (String v : env.values()) {
      if (v.startsWith(home.toString())) {
        Path p = Path.of(v.split(",")[0]);
        Files.createDirectories(v.endsWith(".pub") || v.endsWith(".key") ? p.getParent() : p);
      }
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(ChildProcess.java());
    cmd.add("-Xmx" + s.heap());
    cmd.add("-XX:+UseSerialGC");
    for (String p :
        List.of(
            "org.apache.avro.SERIALIZABLE_PACKAGES",
            "org.bytedeco.javacpp.cachedir",
            "openmede.root",
            "ai.djl.pytorch.num_threads",
            "ai.djl.pytorch.num_interop_threads")) {
      if (System.getProperty(p) != null) {
        cmd.add("-D" + p + "=" + System.getProperty(p));
      }
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.addAll(args);
    ChildProcess p =
        new ChildProcess(
            s.name(),
            cmd,
            env,
            options.dir().toAbsolutePath().resolve("logs/" + s.name() + ".log"));
    p.start();
    if (s.oneShot()) {
      p.awaitReady("finished", () -> !p.alive(), Duration.ofMinutes(2));
      if (p.exitStatus().orElse(1) != 0) {
        throw new IOException(
            s.name() + " failed with status " + p.exitStatus() + "; see " + p.log());
      }
      out.println("stack: " + s.name() + " done");
    } else {
      out.println(
          "stack: "
              + s.name()
              + " started (pid "
              + p.pid()
              + ", user "
              + s.role().map(Role::user).orElse("-")
              + ", metrics on http://127.0.0.1:"
              + metricsPort(s.name())
              + "/metrics"
              + (pagePort.isPresent()
                  ? ", live page on http://127.0.0.1:" + pagePort.getAsInt() + "/"
                  : "")
              + ", log "
              + p.log()
              + ")");
    }
    RunningService running = new RunningService(s, p, pagePort);
    services.removeIf(r -> r.service().name().equals(s.name()));
    services.add(running);
    return running;
  }

  /** The metrics port given to {@code service}, once it was started. */
  public synchronized OptionalInt metricsPortOf(String service) {
    Integer port = metricsPorts.get(service);
    return port == null ? OptionalInt.empty() : OptionalInt.of(port);
  }

  private synchronized int metricsPort(String service) throws IOException {
    Integer port = metricsPorts.get(service);
    if (port == null) {
      port = KafkaCluster.freePort();
      metricsPorts.put(service, port);
    }
    return port;
  }

  private static String mapPath(String value, Path home) {
    return value.replace("/var/lib/openmede/", home + "/");
  }

  private static int keptPort(Path file) throws IOException {
    if (Files.exists(file)) {
      return Integer.parseInt(Files.readString(file).trim());
    }
    Files.createDirectories(file.getParent());
    int port = KafkaCluster.freePort();
    Files.writeString(file, Integer.toString(port));
    return port;
  }

  private static double secondsSince(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  public KafkaCluster cluster() {
    return cluster;
  }

  public ApicurioRegistry registry() {
    return registry;
  }

  public Options options() {
    return options;
  }

  /** The services started, in start order. */
  public List<RunningService> services() {
    synchronized (services) {
      return List.copyOf(services);
    }
  }

  /** The running service named {@code name}. */
  public Optional<RunningService> service(String name) {
    return services().stream().filter(r -> r.service().name().equals(name)).findFirst();
  }

  /** Each role's password (for tools and tests run as a role). */
  public Map<Role, String> passwords() {
    return new EnumMap<>(passwords);
  }

  /** Stops the services (last started first), the registry and the nodes. */
  @Override
  public void close() throws InterruptedException {
    List<RunningService> all = services();
    for (RunningService r : all) {
      r.process().terminate();
    }
    for (int i = all.size() - 1; i >= 0; i--) {
      all.get(i).process().stop(Duration.ofSeconds(45));
    }
    registry.close();
    cluster.close();
  }
}
