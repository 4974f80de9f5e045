package io.openmede.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openmede.bench.cluster.RecognitionWatch;
import io.openmede.bench.faults.FaultAccounting;
import io.openmede.recognizer.RecognizerSettings;
import io.openmede.recognizer.window.WindowConfig;
import io.openmede.schemas.registry.CompatibilityLevel;
import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.topic.TopicNames;
import io.openmede.settings.Settings;
import io.openmede.stack.ChildProcess;
import io.openmede.stack.Stack;
import io.openmede.stack.StackCommand;
import io.openmede.stack.access.Role;
import io.openmede.stack.kafka.KafkaCluster;
import io.openmede.stack.kafka.KafkaNode;
import io.openmede.stack.service.StackService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The production stack for real: three KRaft nodes in their own JVMs with TLS on every listener,
 * SCRAM users and ACLs per role, Apicurio over HTTPS, and {@code ingest synthetic --cameras 2} and
 * a recognizer as processes with their roles' credentials. The leader of the frames partition of
 * one camera is killed with -9 while the cameras run; afterwards every window of the frames on the
 * topic is recognized exactly once. The camera's principal is refused on the vocabulary, rules and
 * checkpoints topics, a client without SASL credentials gets nothing, and a recognizer with
 * credentials the cluster does not know exits refused.
 */
class StackClusterIT {

  private static final Duration RECOGNIZED = Duration.ofMinutes(3);

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void cluster_tlsScramAcls_leaderKilled_noWindowLostOrDoubled_andLeastPrivilege()
      throws Exception {
    long t0 = System.nanoTime();
    // under target/, not a temporary directory: the logs of every process stay for a look
    Path dir = Path.of("target", "stack-cluster-it").toAbsolutePath();
    deleteRecursively(dir);
    Stack.Options options =
        new Stack.Options(
            dir,
            Set.of("ingest", "recognizer-2"),
            OptionalInt.empty(),
            "256m",
            "128m",
            Map.of("OPENMEDE_RECOGNIZER_STREAM_THREADS", "1"),
            CompatibilityLevel.BACKWARD_TRANSITIVE);
    try (Stack stack = Stack.startPlatform(options, System.out)) {
      KafkaCluster kafka = stack.cluster();
      everyProjectTopic_hasThreeReplicasAndMinInsyncTwo(kafka);
      camera_isRefusedOnVocabularyRulesAndCheckpoints(stack);
      clientWithoutSaslCredentials_getsNothing(kafka);

      stack.startServices(StackCommand.LAUNCHER, System.out);
      Cluster operator = stack.clusterAs(stack.connection(Role.OPERATOR));
      WindowConfig window =
          RecognizerSettings.from(
                  Settings.defaults(
                      List.of(
                          RecognizerSettings.GROUP, io.openmede.schemas.values.InputBounds.GROUP)))
              .topology()
              .window();
      try (RecognitionWatch watch = new RecognitionWatch(operator)) {
        String camera = "synthetic-0";
        assertThat(watch.awaitRecognitions(camera, t0, 3, RECOGNIZED))
            .as("the first recognitions of %s (see %s)", camera, dir.resolve("logs"))
            .isPositive();
        int partition =
            Utils.toPositive(Utils.murmur2(camera.getBytes(StandardCharsets.UTF_8)))
                % operator.topics().frames().partitions();
        KafkaNode leader =
            kafka.leaderOf(operator.topics().frames().name(), partition).orElseThrow();
        long killedAt = System.nanoTime();
        leader.kill();
        System.out.printf(
            "killed node %d (-9), leader of %s-%d%n",
            leader.id(), operator.topics().frames().name(), partition);
        double recovery = watch.awaitRecognitions(camera, killedAt, 6, Duration.ofMinutes(2));
        System.out.printf("recognition went on %.1f s after the kill%n", recovery);
        assertThat(recovery).as("recognition of %s went on after the kill", camera).isPositive();
        assertThat(kafka.leaderOf(operator.topics().frames().name(), partition))
            .hasValueSatisfying(n -> assertThat(n.id()).isNotEqualTo(leader.id()));

        stack.service("ingest").orElseThrow().process().stop(Duration.ofSeconds(30));
        FaultAccounting.Outcome o = watch.awaitAllRecognized(window, RECOGNIZED);
        System.out.println("windows: " + o);
        assertThat(o.expected()).as("windows the frames give").isGreaterThan(20);
        assertThat(o.lost()).as("windows lost").isEmpty();
        assertThat(o.doubled()).as("windows recognized twice").isEmpty();
        assertThat(watch.streams()).contains("synthetic-0", "synthetic-1");
      }
      thirdPartyClient_decodesRecognitions_writesVocabulary_andIsRefusedAnIncompatibleSchema(
          stack, operator);
      recognizerWithUnknownCredentials_exitsRefused(stack, dir);
      System.out.printf("StackClusterIT took %.0f s%n", (System.nanoTime() - t0) / 1e9);
    }
  }

  /**
   * kafkajs with its Confluent registry client (npm packages of {@code stack/kafkajs}, installed by
   * {@code .ci/run}): it decodes recognitions the recognizer wrote, writes a vocabulary entry that
   * openmede's own serde reads back, and its incompatible vocabulary schema gets 409.
   */
  private static void
      thirdPartyClient_decodesRecognitions_writesVocabulary_andIsRefusedAnIncompatibleSchema(
          Stack stack, Cluster operator) throws Exception {
    Path root = Path.of(System.getProperty("openmede.root", ".."));
    Path client = root.resolve("stack/kafkajs");
    if (!Files.isDirectory(client.resolve("node_modules/kafkajs"))) {
      System.out.println(
          "third-party client skipped: kafkajs is not installed (npm ci --prefix stack/kafkajs;"
              + " .ci/run does)");
      return;
    }
    String label = "waving from kafkajs";
    ProcessBuilder pb =
        new ProcessBuilder("node", client.resolve("third-party-client.mjs").toString())
            .redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.put("BOOTSTRAP", stack.cluster().bootstrapServers());
    env.put("KAFKA_USER", Role.OPERATOR.user());
    env.put("KAFKA_PASSWORD", stack.passwords().get(Role.OPERATOR));
    env.put("CA_PEM", stack.cluster().ca().caPem().toString());
    env.put("NODE_EXTRA_CA_CERTS", stack.cluster().ca().caPem().toString());
    env.put("REGISTRY_URL", stack.registry().url());
    env.put("COUNT", "5");
    env.put("LABEL", label);
    Process node = pb.start();
    String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(node.waitFor(2, TimeUnit.MINUTES)).isTrue();
    System.out.println(out);
    assertThat(node.exitValue()).as("the third-party client:%n%s", out).isZero();
    assertThat(out).contains("THIRD_PARTY decoded=5").contains("incompatible=409");
    // what kafkajs wrote, openmede's own serde reads
    Map<String, Object> c = new HashMap<>(operator.consumerConfig("unused"));
    c.remove("group.id");
    try (var consumer =
        new org.apache.kafka.clients.consumer.KafkaConsumer<>(
            c,
            new org.apache.kafka.common.serialization.StringDeserializer(),
            operator.topics().vocabulary().valueSerde().deserializer())) {
      var tp = new org.apache.kafka.common.TopicPartition(operator.topics().vocabulary().name(), 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      List<String> labels = new java.util.ArrayList<>();
      while (consumer.position(tp) < end) {
        consumer.poll(Duration.ofMillis(500)).forEach(r -> labels.add(r.value().getLabel()));
      }
      assertThat(labels).contains(label);
    }
  }

  private static void everyProjectTopic_hasThreeReplicasAndMinInsyncTwo(KafkaCluster kafka)
      throws Exception {
    try (Admin admin = Admin.create(kafka.adminConfig())) {
      List<String> names =
          admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
              .filter(n -> n.startsWith("openmede."))
              .toList();
      assertThat(names).containsExactlyInAnyOrderElementsOf(TopicNames.defaults().all());
      Map<String, TopicDescription> described =
          admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
      for (TopicDescription d : described.values()) {
        assertThat(d.partitions())
            .allSatisfy(p -> assertThat(p.replicas()).as(d.name()).hasSize(3));
      }
      List<ConfigResource> resources =
          names.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
      Map<ConfigResource, Config> configs =
          admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
      for (Map.Entry<ConfigResource, Config> e : configs.entrySet()) {
        assertThat(e.getValue().get("min.insync.replicas").value())
            .as("min.insync.replicas of %s", e.getKey().name())
            .isEqualTo("2");
      }
    }
  }

  private static void camera_isRefusedOnVocabularyRulesAndCheckpoints(Stack stack) {
    Cluster camera = stack.clusterAs(stack.connection(Role.CAMERA));
    Map<String, Object> config = new HashMap<>(camera.clientConfig());
    config.put("max.block.ms", 15_000);
    config.put("delivery.timeout.ms", 15_000);
    config.put("request.timeout.ms", 10_000);
    try (KafkaProducer<byte[], byte[]> p =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (String topic :
          List.of(
              camera.topics().vocabulary().name(),
              camera.topics().rules().name(),
              camera.topics().checkpoints().name())) {
        assertThatThrownBy(
                () -> p.send(new ProducerRecord<>(topic, new byte[] {1}, new byte[] {0})).get())
            .as("the camera writing to %s", topic)
            .isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(TopicAuthorizationException.class);
      }
    }
  }

  private static void clientWithoutSaslCredentials_getsNothing(KafkaCluster kafka) {
    Map<String, Object> tlsOnly = new HashMap<>();
    tlsOnly.put("bootstrap.servers", kafka.bootstrapServers());
    tlsOnly.put("security.protocol", "SSL");
    tlsOnly.put("ssl.truststore.location", kafka.ca().trustStore().toString());
    tlsOnly.put("ssl.truststore.password", kafka.ca().password());
    tlsOnly.put("default.api.timeout.ms", 8_000);
    tlsOnly.put("request.timeout.ms", 4_000);
    try (Admin admin = Admin.create(tlsOnly)) {
      assertThatThrownBy(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS))
          .as("a client with TLS but no SASL credentials listing topics")
          .isInstanceOfAny(ExecutionException.class, java.util.concurrent.TimeoutException.class);
    }
  }

  private static void recognizerWithUnknownCredentials_exitsRefused(Stack stack, Path dir)
      throws Exception {
    StackService recognizer =
        StackService.compose().stream()
            .filter(s -> s.name().equals("recognizer-2"))
            .findFirst()
            .orElseThrow();
    Map<String, String> env = new HashMap<>(stack.environment(Optional.of(Role.RECOGNIZER)));
    env.put(
        "OPENMEDE_KAFKA_SASL_JAAS_CONFIG", KafkaCluster.jaas("openmede-intruder", "no-such-user"));
    env.put("OPENMEDE_RECOGNIZER_STATE_DIR", dir.resolve("intruder/streams").toString());
    env.put("OPENMEDE_RECOGNIZER_CHECKPOINTS_CACHE", dir.resolve("intruder/cache").toString());
    env.put("OPENMEDE_RECOGNIZER_METRICS_PORT", "0");
    List<String> cmd =
        List.of(
            ChildProcess.java(),
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-Dorg.apache.avro.SERIALIZABLE_PACKAGES="
                + System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES"),
            "-cp",
            System.getProperty("java.class.path"),
            StackCommand.LAUNCHER,
            "recognize");
    Path log = dir.resolve("logs/intruder.log");
    ChildProcess intruder = new ChildProcess("intruder", cmd, env, log).start();
    try {
      intruder.awaitReady("exited", () -> !intruder.alive(), Duration.ofMinutes(2));
    } catch (java.io.IOException e) {
      // still running after the bound: that is a failure below
    } finally {
      intruder.kill();
    }
    assertThat(intruder.exitStatus())
        .as("the recognizer without valid credentials exited")
        .isPresent();
    assertThat(intruder.exitStatus().getAsInt()).isNotZero();
    assertThat(Files.readString(log)).contains("Authentication failed");
    System.out.println("the recognizer without valid credentials exited " + intruder.exitStatus());
  }

  static void deleteRecursively(Path dir) throws java.io.IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
