package io.openmede.stack.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** What a node of the stack is configured with: the promises the README makes. */
class KafkaNodeConfigTest {

  private static Properties config() {
    return KafkaNode.config(
        2,
        Path.of("/data"),
        new KafkaNode.Ports(9001, 9002, 9003),
        "1@127.0.0.1:8003,2@127.0.0.1:9003,3@127.0.0.1:10003",
        new KafkaNode.Tls(Path.of("/tls/node-2.p12"), Path.of("/tls/truststore.p12"), "pw"),
        "User:openmede-admin;User:kafka-node-1;User:kafka-node-2;User:kafka-node-3");
  }

  @Test
  void everyListener_isTls_clientsWithScram_nodesWithMutualTls() {
    Properties p = config();
    assertThat(p.getProperty("listener.security.protocol.map"))
        .isEqualTo("CLIENT:SASL_SSL,INTERNAL:SSL,CONTROLLER:SSL");
    assertThat(p.getProperty("listeners"))
        .isEqualTo("CLIENT://127.0.0.1:9001,INTERNAL://127.0.0.1:9002,CONTROLLER://127.0.0.1:9003");
    assertThat(p.getProperty("listener.name.client.sasl.enabled.mechanisms"))
        .isEqualTo("SCRAM-SHA-512");
    assertThat(p.getProperty("listener.name.internal.ssl.client.auth")).isEqualTo("required");
    assertThat(p.getProperty("listener.name.controller.ssl.client.auth")).isEqualTo("required");
    assertThat(p.getProperty("ssl.client.auth")).as("clients use SCRAM, not certificates").isNull();
  }

  @Test
  void authorizer_refusesWhatNoAclAllows() {
    Properties p = config();
    assertThat(p.getProperty("authorizer.class.name"))
        .isEqualTo("org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    assertThat(p.getProperty("allow.everyone.if.no.acl.found")).isEqualTo("false");
    assertThat(p.getProperty("super.users")).doesNotContain("openmede-camera");
  }

  @Test
  void everyTopic_hasThreeReplicas_twoInSync() {
    Properties p = config();
    assertThat(p.getProperty("default.replication.factor")).isEqualTo("3");
    assertThat(p.getProperty("min.insync.replicas")).isEqualTo("2");
    assertThat(p.getProperty("offsets.topic.replication.factor")).isEqualTo("3");
    assertThat(p.getProperty("transaction.state.log.replication.factor")).isEqualTo("3");
    assertThat(p.getProperty("transaction.state.log.min.isr")).isEqualTo("2");
    assertThat(p.getProperty("unclean.leader.election.enable")).isEqualTo("false");
  }
}
