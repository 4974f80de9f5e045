package io.openmede.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openmede.embedded.EmbeddedKafka;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.avro.VocabularyEntry;
import io.openmede.schemas.registry.CompatibilityLevel;
import io.openmede.schemas.registry.RestSchemaRegistryClient;
import io.openmede.schemas.registry.SchemaRegistryException;
import io.openmede.schemas.serde.AvroSerializer;
import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.topic.ConnectionSettings;
import io.openmede.schemas.topic.TopicNames;
import io.openmede.schemas.vocabulary.VocabularyWriter;
import io.openmede.stack.kafka.KafkaCluster;
import io.openmede.stack.registry.ApicurioRegistry;
import io.openmede.stack.tls.LocalCertificateAuthority;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The project's serdes against a registry it did not write: Apicurio Registry 2.6 through its
 * Confluent-compatible API (HTTPS with the stack's CA), on an embedded broker. Eight cameras
 * started at once in one ingest all produce (Apicurio answers racing first registrations with 409
 * "already exists"); eight clients registering one new subject at the same instant all get its id;
 * an incompatible vocabulary schema is refused with 409; every subject the services registered is
 * at the configured level (Apicurio's own default is NONE).
 */
class ApicurioRegistryIT {

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void apicurio_eightCamerasAtOnce_incompatibleRefused_everySubjectAtTheLevel() throws Exception {
    long t0 = System.nanoTime();
    Path dir = Path.of("target", "apicurio-it").toAbsolutePath();
    StackClusterIT.deleteRecursively(dir);
    LocalCertificateAuthority ca = LocalCertificateAuthority.openOrCreate(dir.resolve("tls"));
    try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary();
        ApicurioRegistry registry =
            ApicurioRegistry.prepare(
                dir.resolve("registry"), KafkaCluster.freePort(), ca, "128m")) {
      registry.start(Duration.ofMinutes(2));
      String url = registry.url();

      racingFirstRegistrations_allGetTheSameId(url, ca);

      int exit =
          Main.run(
              "ingest",
              "synthetic",
              "--cameras",
              "8",
              "--frames",
              "24",
              "--fast",
              "--bootstrap-servers",
              kafka.bootstrapServers(),
              "--registry-url",
              url,
              "--set",
              "kafka.ssl.truststore.location=" + ca.trustStore(),
              "--set",
              "kafka.ssl.truststore.password=" + ca.password());
      assertThat(exit).as("ingest synthetic --cameras 8").isZero();
      Cluster cluster = cluster(kafka.bootstrapServers(), url, ca);
      Map<String, Integer> frames = framesPerStream(cluster);
      assertThat(frames).as("frames per camera on the topic").hasSize(8);
      assertThat(frames.values()).allSatisfy(n -> assertThat(n).isEqualTo(24));

      try (VocabularyWriter vocabulary =
          new VocabularyWriter(
              cluster.clientConfig(), cluster.topics().vocabulary(), "apicurio-it-vocabulary")) {
        vocabulary.add("spinning in a circle", List.of());
      }
      RestSchemaRegistryClient client = client(url, ca);
      Schema incompatible =
          SchemaBuilder.record(VocabularyEntry.getClassSchema().getName())
              .namespace(VocabularyEntry.getClassSchema().getNamespace())
              .fields()
              .requiredLong("label")
              .endRecord();
      String vocabularySubject = cluster.topics().vocabulary().name() + "-value";
      assertThat(client.isCompatible(vocabularySubject, incompatible)).isFalse();
      assertThatThrownBy(() -> client.register(vocabularySubject, incompatible))
          .isInstanceOfSatisfying(
              SchemaRegistryException.class, e -> assertThat(e.httpStatus()).hasValue(409));

      // the subjects the services registered (the racing one above was a bare client's)
      List<String> subjects =
          subjects(url, ca).stream().filter(n -> n.startsWith("openmede.")).toList();
      assertThat(subjects).contains(cluster.topics().frames().name() + "-value", vocabularySubject);
      for (String subject : subjects) {
        assertThat(client.compatibilityLevel(subject))
            .as("compatibility level of %s", subject)
            .contains(CompatibilityLevel.BACKWARD_TRANSITIVE);
      }
      System.out.printf(
          "ApicurioRegistryIT: subjects %s at BACKWARD_TRANSITIVE, %.0f s%n",
          subjects, (System.nanoTime() - t0) / 1e9);
    }
  }

  private static void racingFirstRegistrations_allGetTheSameId(
      String url, LocalCertificateAuthority ca) throws Exception {
    Schema schema = FrameBatch.getClassSchema();
    int n = 8;
    CyclicBarrier together = new CyclicBarrier(n);
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<Integer>> ids = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        RestSchemaRegistryClient client = client(url, ca); // each its own cache, as processes
        ids.add(
            pool.submit(
                () -> {
                  together.await();
                  return client.register("racing-value", schema);
                }));
      }
      Set<Integer> distinct = new java.util.HashSet<>();
      for (Future<Integer> id : ids) {
        distinct.add(id.get(60, TimeUnit.SECONDS));
      }
      assertThat(distinct).as("ids given to %d racing registrations", n).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
  }

  private static RestSchemaRegistryClient client(String url, LocalCertificateAuthority ca) {
    return RestSchemaRegistryClient.builder(url)
        .optTrustStore(ca.trustStore(), ca.password().toCharArray(), "PKCS12")
        .build();
  }

  private static Cluster cluster(String bootstrap, String url, LocalCertificateAuthority ca) {
    return Cluster.of(
        new ConnectionSettings(
            bootstrap,
            "PLAINTEXT",
            Optional.empty(),
            Optional.empty(),
            Optional.of(ca.trustStore().toString()),
            Optional.of(ca.password()),
            Optional.empty(),
            Optional.empty(),
            url,
            Optional.empty()),
        TopicNames.defaults(),
        4,
        Map.of(AvroSerializer.COMPATIBILITY_LEVEL_CONFIG, "BACKWARD_TRANSITIVE"));
  }

  private static List<String> subjects(String url, LocalCertificateAuthority ca) throws Exception {
    HttpClient http = HttpClient.newBuilder().sslContext(sslContext(ca)).build();
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url + "/subjects")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(r.body())
        .forEach(n -> out.add(n.asText()));
    return out;
  }

  private static javax.net.ssl.SSLContext sslContext(LocalCertificateAuthority ca)
      throws Exception {
    java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
    try (var in = java.nio.file.Files.newInputStream(ca.trustStore())) {
      trust.load(in, ca.password().toCharArray());
    }
    javax.net.ssl.TrustManagerFactory tmf =
        javax.net.ssl.TrustManagerFactory.getInstance(
            javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    return ssl;
  }

  private static Map<String, Integer> framesPerStream(Cluster cluster) {
    Map<String, Object> c = new HashMap<>(cluster.consumerConfig("unused"));
    c.remove("group.id");
    Map<String, Integer> out = new TreeMap<>();
    var decode = cluster.topics().frames().valueSerde().deserializer();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo p :
          consumer.partitionsFor(cluster.topics().frames().name(), Duration.ofSeconds(30))) {
        parts.add(new TopicPartition(p.topic(), p.partition()));
      }
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          FrameBatch b = decode.deserialize(r.topic(), r.value());
          out.merge(b.getStreamId(), b.getFrames().size(), Integer::sum);
        }
      }
    }
    return out;
  }
}
