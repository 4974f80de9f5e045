package io.openmede.cli.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openmede.cli.Main;
import io.openmede.embedded.EmbeddedPlatform;
import io.openmede.platform.signing.KeyFiles;
import io.openmede.recognizer.swap.CheckpointPolicy;
import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.CheckpointStatus;
import io.openmede.schemas.avro.GateDecision;
import io.openmede.schemas.avro.TrainingSummary;
import io.openmede.schemas.checkpoint.CheckpointSigning;
import io.openmede.schemas.checkpoint.ModelHistory;
import io.openmede.schemas.checkpoint.OperatorDecisions;
import io.openmede.schemas.topic.Cluster;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code openmede model list|promote|rollback|unpin} against the embedded broker: the trainer's
 * signed announcements are listed with their gate figures, a rollback and a promote are announced
 * signed by the operator's key (which recognizers check against their operator keys, not the
 * trainer's), and the listed serving version follows them.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ModelHistoryCommandsIT {

  static final String LINE = "openmede-tiny";

  @TempDir Path temp;

  private record Result(int exit, String out, String err) {}

  private Result run(EmbeddedPlatform platform, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--set",
            "kafka.bootstrap.servers=" + platform.bootstrapServers(),
            "--set",
            "schema.registry.url=" + platform.registryUrl()));
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(all.toArray(String[]::new));
    return new Result(exit, out.toString(), err.toString());
  }

  static CheckpointAnnouncement announcement(
      String version, String parent, long updates, Instant at, CheckpointStatus status) {
    return CheckpointAnnouncement.newBuilder()
        .setModelName(LINE)
        .setVersion(version)
        .setUri("file:///checkpoints/" + version + "/weights.safetensors")
        .setSha256(String.format("%064d", Math.abs((long) version.hashCode())))
        .setSizeBytes(1000 + updates)
        .setPreset("tiny")
        .setParentVersion(parent)
        .setTraining(
            new TrainingSummary(
                "open-mede", updates, updates * 8, Map.of(), 15.0, 10.0, 4, 5, 1e-4, 1e-4, 1.67e-3))
        .setCreatedAt(at)
        .setStatus(status)
        .setGate(
            GateDecision.newBuilder()
                .setServingVersion(parent)
                .setReason(status == CheckpointStatus.HELD_BACK ? "guard top-1 fell" : "no worse")
                .setFigures(
                    Map.of(
                        "base.videos", 24.0,
                        "base.candidate.top1", status == CheckpointStatus.HELD_BACK ? 0.292 : 0.583,
                        "base.serving.top1", 0.333,
                        "base.p-worse", 0.5))
                .build())
        .build();
  }

  @Test
  void rollbackAndPromote_areAnnouncedSignedByTheOperator_andTheListFollowsThem() throws Exception {
    KeyPair trainer = KeyFiles.generate();
    KeyPair operator = KeyFiles.generate();
    KeyFiles.write(operator, temp.resolve("op.key"), temp.resolve("op.pub"));
    Instant now = Instant.now();
    try (EmbeddedPlatform platform = EmbeddedPlatform.startTemporary()) {
      Cluster cluster = Cluster.local(platform.bootstrapServers(), platform.registryUrl());
      cluster.ensureTopics();
      List<CheckpointAnnouncement> published = new ArrayList<>();
      try (KafkaProducer<String, CheckpointAnnouncement> p =
          new KafkaProducer<>(
              cluster.producerConfig("it"),
              new StringSerializer(),
              cluster.topics().checkpoints().valueSerde().serializer())) {
        for (CheckpointAnnouncement a :
            List.of(
                announcement("u20", null, 20, now.minusSeconds(30), CheckpointStatus.PROMOTED),
                announcement("u40", "u20", 40, now.minusSeconds(20), CheckpointStatus.PROMOTED),
                announcement("u60", "u40", 60, now.minusSeconds(10), CheckpointStatus.HELD_BACK))) {
          a.setSignature(CheckpointSigning.sign(a, trainer));
          String key = a.getStatus() == CheckpointStatus.HELD_BACK ? LINE + "#held-back" : LINE;
          p.send(new ProducerRecord<>(cluster.topics().checkpoints().name(), key, a)).get();
          published.add(a);
        }
      }

      JsonNode before = json(run(platform, "model", "list", "--json"));
      assertThat(before.get("model").asText()).isEqualTo(LINE);
      assertThat(before.get("serving").asText()).isEqualTo("u40");
      assertThat(before.get("versions").findValuesAsText("version"))
          .containsExactly("u20", "u40", "u60");
      assertThat(before.get("versions").get(2).get("status").asText()).isEqualTo("HELD_BACK");
      assertThat(before.get("versions").get(1).at("/gate/figures/base.candidate.top1").asDouble())
          .isEqualTo(0.583);

      // no operator key: the fix is in the message
      Result keyless = run(platform, "model", "rollback", "u20");
      assertThat(keyless.exit()).isEqualTo(2);
      assertThat(keyless.err()).contains("operator.signing-key", "keys generate --operator");

      String key = "operator.signing-key=" + temp.resolve("op.key");
      Result unknown = run(platform, "model", "rollback", "u99", "--set", key);
      assertThat(unknown.exit()).isEqualTo(1);
      assertThat(unknown.err()).contains("u99 is not on the checkpoints topic", "u20, u40, u60");
      assertThat(run(platform, "model", "unpin", "--set", key).err()).contains("is pinned");

      // an operator signs only what the trainer announced: a copy of u20 with other weights,
      // written later by anyone who can write the topic, is not what a rollback to u20 signs
      CheckpointAnnouncement forged =
          announcement("u20", null, 20, now.minusSeconds(30), CheckpointStatus.PROMOTED);
      forged.setSha256("66".repeat(32));
      CheckpointAnnouncement unsigned =
          announcement("u90", "u40", 90, now.minusSeconds(5), CheckpointStatus.PROMOTED);
      try (KafkaProducer<String, CheckpointAnnouncement> p =
          new KafkaProducer<>(
              cluster.producerConfig("it-forger"),
              new StringSerializer(),
              cluster.topics().checkpoints().valueSerde().serializer())) {
        for (CheckpointAnnouncement a : List.of(forged, unsigned)) {
          p.send(new ProducerRecord<>(cluster.topics().checkpoints().name(), LINE + "#x", a)).get();
        }
      }
      KeyFiles.write(trainer, temp.resolve("trainer.key"), temp.resolve("trainer.pub"));
      String trusted = "recognizer.checkpoints.trusted-keys=" + temp.resolve("trainer.pub");
      Result refused = run(platform, "model", "promote", "u90", "--set", key, "--set", trusted);
      assertThat(refused.exit()).as(refused.err()).isEqualTo(1);
      assertThat(refused.err())
          .contains("u90", "not signed by a trainer key the recognizers trust");

      Result rollback = run(platform, "model", "rollback", "u20", "--set", key, "--set", trusted);
      assertThat(rollback.exit()).as(rollback.err()).isZero();
      assertThat(rollback.out())
          .contains("rollback u20 of " + LINE, CheckpointSigning.keyId(operator.getPublic()));
      JsonNode rolledBack = json(run(platform, "model", "list", "--json"));
      assertThat(rolledBack.get("serving").asText()).isEqualTo("u20");
      assertThat(rolledBack.get("pinned").asBoolean()).isTrue();
      assertThat(rolledBack.get("versions").get(0).at("/operator/0/action").asText())
          .isEqualTo("rollback");

      // what a recognizer checks: the operator's key, not the trainer's, signed the decision
      List<CheckpointAnnouncement> onTopic =
          ModelHistory.read(cluster, new PrintWriter(System.err));
      CheckpointAnnouncement decision = onTopic.get(onTopic.size() - 1);
      assertThat(decision.getOperator().getAction()).isEqualTo("rollback");
      assertThat(decision.getSha256()).isEqualTo(published.get(0).getSha256());
      assertThat(
              new CheckpointPolicy(
                      List.of(trainer.getPublic()), false, List.of(operator.getPublic()))
                  .operatorRefusal(decision))
          .isEmpty();
      assertThat(
              new CheckpointPolicy(
                      List.of(trainer.getPublic()), false, List.of(trainer.getPublic()))
                  .operatorRefusal(decision))
          .hasValueSatisfying(e -> assertThat(e.reason()).isEqualTo("operator-signature"));

      Result promote = run(platform, "model", "promote", "u60", "--set", key);
      assertThat(promote.exit()).as(promote.err()).isZero();
      Result table = run(platform, "model", "list");
      System.out.println(table.out());
      assertThat(table.out())
          .contains("serves u60", "held-back", "base 0.292/0.333 n=24", "rollback by");
      JsonNode promoted = json(run(platform, "model", "list", "--json"));
      assertThat(promoted.get("serving").asText()).isEqualTo("u60");
      // what the trainer's gate reads: the same, past the forged records and bytes that are none
      try (KafkaProducer<byte[], byte[]> raw =
          new KafkaProducer<>(
              cluster.producerConfig("it-garbage"),
              new org.apache.kafka.common.serialization.ByteArraySerializer(),
              new org.apache.kafka.common.serialization.ByteArraySerializer())) {
        raw.send(
                new ProducerRecord<>(
                    cluster.topics().checkpoints().name(), "x".getBytes(), new byte[] {0, 0, 0}))
            .get();
      }
      assertThat(
              new io.openmede.trainer.checkpoint.TopicServedVersion(
                      cluster,
                      LINE,
                      List.of(operator.getPublic()),
                      java.util.Optional.of(trainer.getPublic()))
                  .now())
          .contains("u60");
      assertThat(promoted.get("pinned").asBoolean()).isFalse();
      assertThat(OperatorDecisions.key(LINE)).isEqualTo(LINE + "#operator");
    }
  }

  private static JsonNode json(Result r) throws Exception {
    assertThat(r.exit()).as(r.err()).isZero();
    return new ObjectMapper().readTree(r.out());
  }
}
