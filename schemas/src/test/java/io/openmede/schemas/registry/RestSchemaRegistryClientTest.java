package io.openmede.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openmede.schemas.avro.VocabularyEntry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** What the client does without a registry; its calls are tested against the embedded one. */
class RestSchemaRegistryClientTest {

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void register_registryUnreachable_throwsClearException() throws IOException {
    String url = "http://127.0.0.1:" + closedPort();
    RestSchemaRegistryClient client = RestSchemaRegistryClient.builder(url).build();
    assertThatThrownBy(() -> client.register("t-value", VocabularyEntry.getClassSchema()))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.isUnreachable()).isTrue();
              assertThat(e.httpStatus()).isEmpty();
            })
        .hasMessageStartingWith("registry unreachable at URL: " + url)
        .hasMessageContaining("check schema.registry.url");
  }

  @Test
  void getById_registryUnreachable_throwsClearException() throws IOException {
    String url = "http://127.0.0.1:" + closedPort();
    assertThatThrownBy(() -> RestSchemaRegistryClient.builder(url).build().getById(1))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageStartingWith("registry unreachable at URL: " + url);
  }

  @Test
  void deserialize_registryUnreachable_badRecordExceptionWithTopicAndReason() throws IOException {
    String url = "http://127.0.0.1:" + closedPort();
    io.openmede.schemas.serde.AvroSerde<VocabularyEntry> serde =
        io.openmede.schemas.serde.AvroSerde.of(
            VocabularyEntry.class, RestSchemaRegistryClient.builder(url).build());
    byte[] bytes = {0, 0, 0, 0, 1, 2, 3};
    assertThatThrownBy(() -> serde.deserializer().deserialize("openmede.vocabulary", bytes))
        .isInstanceOfSatisfying(
            io.openmede.schemas.serde.BadRecordException.class,
            e -> {
              assertThat(e.topic()).isEqualTo("openmede.vocabulary");
              assertThat(e.reason())
                  .startsWith(
                      "cannot fetch writer schema id 1: registry unreachable at URL: " + url);
            });
  }

  @Test
  void serialize_registryUnreachable_serializationExceptionNamingTopicAndUrl() throws IOException {
    String url = "http://127.0.0.1:" + closedPort();
    io.openmede.schemas.serde.AvroSerde<VocabularyEntry> serde =
        io.openmede.schemas.serde.AvroSerde.of(
            VocabularyEntry.class, RestSchemaRegistryClient.builder(url).build());
    VocabularyEntry entry =
        new VocabularyEntry("x", java.util.List.of(), true, java.time.Instant.EPOCH);
    assertThatThrownBy(() -> serde.serializer().serialize("openmede.vocabulary", entry))
        .isInstanceOf(org.apache.kafka.common.errors.SerializationException.class)
        .hasMessageStartingWith(
            "cannot write to topic openmede.vocabulary: registry unreachable at URL: " + url);
  }

  @Test
  void builder_notAnHttpUrl_refusedWithExpectedForm() {
    assertThatThrownBy(() -> RestSchemaRegistryClient.builder("localhost:8081"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected http(s)://host:port");
  }

  @Test
  void builder_basicAuthWithoutColon_refused() {
    assertThatThrownBy(
            () -> RestSchemaRegistryClient.builder("http://localhost:8081").optBasicAuth("user"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("user:password");
  }

  @Test
  void subjectFor_topicNameStrategy() {
    assertThat(SchemaRegistryClient.subjectFor("openmede.frames", false))
        .isEqualTo("openmede.frames-value");
    assertThat(SchemaRegistryClient.subjectFor("openmede.frames", true))
        .isEqualTo("openmede.frames-key");
  }
}
