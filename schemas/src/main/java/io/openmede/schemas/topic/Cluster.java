package io.openmede.schemas.topic;

import io.openmede.platform.health.Health;
import io.openmede.schemas.registry.RestSchemaRegistryClient;
import io.openmede.schemas.registry.SchemaRegistryClient;
import io.openmede.schemas.registry.WaitingRegistryClient;
import io.openmede.schemas.serde.AvroSerializer;
import io.openmede.settings.Setting;
import io.openmede.settings.Settings;
import io.openmede.settings.SettingsGroup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * Where a service's records live: the Kafka connection, the schema registry client and the typed
 * topic catalog, built once from settings. Every service connects through this, so that TLS, SASL,
 * registry credentials and topic names are configured in one place. Immutable and thread-safe; the
 * registry client is shared.
 *
 * @param connection how to reach Kafka and the registry
 * @param registry the schema registry client (caching)
 * @param topics the typed topic catalog
 */
public record Cluster(ConnectionSettings connection, SchemaRegistryClient registry, Topics topics) {

  public static final Setting<String> FRAMES =
      Setting.string("topics.frames", TopicNames.DEFAULT_FRAMES, "Topic of frame batches.");
  public static final Setting<String> VOCABULARY =
      Setting.string(
          "topics.vocabulary",
          TopicNames.DEFAULT_VOCABULARY,
          "Compacted topic of vocabulary entries.");
  public static final Setting<String> RECOGNITIONS =
      Setting.string(
          "topics.recognitions", TopicNames.DEFAULT_RECOGNITIONS, "Topic of recognitions.");
  public static final Setting<String> LABELED_CLIPS =
      Setting.string(
          "topics.labeled-clips",
          TopicNames.DEFAULT_LABELED_CLIPS,
          "Topic of labeled training clips.");
  public static final Setting<String> CHECKPOINTS =
      Setting.string(
          "topics.checkpoints",
          TopicNames.DEFAULT_CHECKPOINTS,
          "Compacted topic of checkpoint announcements.");
  public static final Setting<String> DEAD_LETTERS =
      Setting.string(
          "topics.dead-letters", TopicNames.DEFAULT_DEAD_LETTERS, "Topic of refused records.");
  public static final Setting<String> RULES =
      Setting.string(
          "topics.rules", TopicNames.DEFAULT_RULES, "Compacted topic of alert rules (events).");
  public static final Setting<String> EVENTS =
      Setting.string(
          "topics.events", TopicNames.DEFAULT_EVENTS, "Topic of events: episodes of alert rules.");
  public static final Setting<String> FEEDBACK =
      Setting.string(
          "topics.feedback",
          TopicNames.DEFAULT_FEEDBACK,
          "Topic of feedback on recognitions (confirm, correct), which the labeler turns into"
              + " labeled clips.");
  public static final Setting<String> CLIPS =
      Setting.string(
          "topics.clips",
          TopicNames.DEFAULT_CLIPS,
          "Compacted topic of event clips: one record per episode, keyed by event id, saying where"
              + " its MP4 is in the clip store (or why it could not be made).");
  public static final Setting<Integer> PARTITIONS =
      Setting.integer(
          "topics.partitions",
          Topics.DEFAULT_PARTITIONS,
          1,
          10_000,
          "Partitions of the frames, recognitions and labeled-clips topics when openmede creates"
              + " them (more partitions allow more recognizer instances).");
  public static final Setting<Boolean> CREATE_TOPICS =
      Setting.bool(
          "topics.create",
          true,
          "Create missing topics at start (needs the CREATE ACL on an existing cluster).");

  public static final SettingsGroup TOPICS_GROUP =
      SettingsGroup.of(
          "Topics",
          FRAMES,
          VOCABULARY,
          RECOGNITIONS,
          LABELED_CLIPS,
          CHECKPOINTS,
          DEAD_LETTERS,
          RULES,
          EVENTS,
          FEEDBACK,
          CLIPS,
          PARTITIONS,
          CREATE_TOPICS);

  /** The groups {@link #from(Settings)} reads. */
  public static final List<SettingsGroup> GROUPS = List.of(ConnectionSettings.GROUP, TOPICS_GROUP);

  /** Connects from settings of {@link #GROUPS}; nothing is contacted until first use. */
  public static Cluster from(Settings s) {
    ConnectionSettings connection = ConnectionSettings.from(s);
    TopicNames names =
        new TopicNames(
            s.get(FRAMES),
            s.get(VOCABULARY),
            s.get(RECOGNITIONS),
            s.get(LABELED_CLIPS),
            s.get(CHECKPOINTS),
            s.get(DEAD_LETTERS),
            s.get(RULES),
            s.get(EVENTS),
            s.get(FEEDBACK),
            s.get(CLIPS));
    return of(
        connection,
        names,
        s.get(PARTITIONS),
        Map.of(
            AvroSerializer.COMPATIBILITY_LEVEL_CONFIG,
            s.get(ConnectionSettings.REGISTRY_COMPATIBILITY).name(),
            AvroSerializer.COMPATIBILITY_RAISE_CONFIG,
            s.get(ConnectionSettings.REGISTRY_COMPATIBILITY_RAISE).toString()));
  }

  /**
   * Connects as a service does at its start: from settings of {@link #GROUPS}, creating the missing
   * topics first unless {@code topics.create} is false.
   */
  public static Cluster connect(Settings s) {
    Cluster cluster = from(s);
    if (s.get(CREATE_TOPICS)) {
      cluster.ensureTopics();
    }
    return cluster;
  }

  /**
   * Connects to the given endpoints with default topic names: for the embedded default and tests.
   */
  public static Cluster local(String bootstrapServers, String registryUrl) {
    return of(ConnectionSettings.local(bootstrapServers, registryUrl), TopicNames.defaults(), 1);
  }

  /** Connects with explicit topic names and partitions. */
  public static Cluster of(ConnectionSettings connection, TopicNames names, int partitions) {
    return of(connection, names, partitions, Map.of());
  }

  /**
   * Connects with explicit topic names, partitions and configs of every value serde (for example
   * {@link AvroSerializer#COMPATIBILITY_LEVEL_CONFIG}).
   */
  public static Cluster of(
      ConnectionSettings connection, TopicNames names, int partitions, Map<String, ?> serdeConfig) {
    RestSchemaRegistryClient.Builder b = RestSchemaRegistryClient.builder(connection.registryUrl());
    connection.registryBasicAuth().ifPresent(b::optBasicAuth);
    connection
        .sslTruststore()
        .filter(t -> connection.registryUrl().startsWith("https://"))
        .ifPresent(
            t ->
                b.optTrustStore(
                    Path.of(t),
                    connection.sslTruststorePassword().orElse("").toCharArray(),
                    t.endsWith(".jks") ? "JKS" : "PKCS12"));
    SchemaRegistryClient registry = new WaitingRegistryClient(b.build());
    return new Cluster(
        connection, registry, Topics.create(names, partitions, registry, serdeConfig));
  }

  /**
   * Makes this cluster's serdes wait for the schema registry while it is away (a service's records
   * wait on their threads, none is dead-lettered for the registry's absence) and has {@code health}
   * say so while they wait, as component {@code schema-registry}. A cluster built around another
   * registry client than {@link #of} builds is left as it is.
   */
  public void waitForRegistry(Health health) {
    if (registry instanceof WaitingRegistryClient waiting) {
      waiting.waitWhileAway();
      health.register("schema-registry", waiting::report);
    }
  }

  /**
   * Ends the waits {@link #waitForRegistry} began: from now on a call to an absent registry fails
   * at once, and a call pausing now gives up at once. A service does it first when it closes (its
   * last resource, {@link #registryWaitsEnd}), so that a thread waiting for an absent registry ends
   * promptly instead of holding the close up to its timeout; the record it waited for is not
   * dead-lettered (the handlers see the registry's absence) and is read again at the next start.
   */
  public void stopWaitingForRegistry() {
    if (registry instanceof WaitingRegistryClient waiting) {
      waiting.stopWaiting();
    }
  }

  /** {@link #stopWaitingForRegistry} as a resource, for a service to add last (closed first). */
  public AutoCloseable registryWaitsEnd() {
    return this::stopWaitingForRegistry;
  }

  /** Client properties (bootstrap, security) for producers, consumers, admin and Streams. */
  public Map<String, Object> clientConfig() {
    return new HashMap<>(connection.kafkaClientConfig());
  }

  /**
   * Properties of an idempotent producer with {@code acks=all} and lz4 compression, sized for frame
   * batches; the caller adds serializers or passes them to the constructor.
   */
  public Map<String, Object> producerConfig(String clientId) {
    Map<String, Object> c = clientConfig();
    c.put("client.id", clientId);
    c.put("acks", "all");
    c.put("enable.idempotence", "true");
    c.put("compression.type", "lz4");
    c.put("linger.ms", "5");
    c.put("max.request.size", Topics.FRAME_TOPIC_MAX_MESSAGE_BYTES + 64 * 1024);
    return c;
  }

  /** Properties of a consumer reading committed records only. */
  public Map<String, Object> consumerConfig(String groupId) {
    Map<String, Object> c = clientConfig();
    c.put("group.id", groupId);
    c.put("isolation.level", "read_committed");
    c.put("enable.auto.commit", "false");
    c.put("auto.offset.reset", "earliest");
    c.put("max.partition.fetch.bytes", Topics.FRAME_TOPIC_MAX_MESSAGE_BYTES + 64 * 1024);
    c.put("fetch.max.bytes", 4 * (Topics.FRAME_TOPIC_MAX_MESSAGE_BYTES + 64 * 1024));
    return c;
  }

  /** Creates the missing topics of the catalog; returns the names created. */
  public List<String> ensureTopics() {
    try (Admin admin = Admin.create(clientConfig())) {
      return new TopicProvisioner(admin, Duration.ofSeconds(60)).ensure(topics);
    }
  }
}
