package io.openmede.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openmede.schemas.registry.RestSchemaRegistryClient;
import io.openmede.schemas.registry.SchemaRegistryException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.apache.avro.Schema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The REST client against the embedded registry, and the registry's rules. */
@ExtendWith(SharedPlatform.class)
class EmbeddedSchemaRegistryIT {
  static final String V1 =
      "{\"type\":\"record\",\"name\":\"Probe\",\"namespace\":\"test\",\"fields\":["
          + "{\"name\":\"a\",\"type\":\"string\"}]}";
  static final String V2_OPTIONAL_FIELD =
      "{\"type\":\"record\",\"name\":\"Probe\",\"namespace\":\"test\",\"fields\":["
          + "{\"name\":\"a\",\"type\":\"string\"},"
          + "{\"name\":\"b\",\"type\":[\"null\",\"string\"],\"default\":null}]}";
  static final String V3_REQUIRED_FIELD =
      "{\"type\":\"record\",\"name\":\"Probe\",\"namespace\":\"test\",\"fields\":["
          + "{\"name\":\"a\",\"type\":\"string\"},"
          + "{\"name\":\"b\",\"type\":[\"null\",\"string\"],\"default\":null},"
          + "{\"name\":\"c\",\"type\":\"long\"}]}";
  static final String V3_CHANGED_TYPE =
      "{\"type\":\"record\",\"name\":\"Probe\",\"namespace\":\"test\",\"fields\":["
          + "{\"name\":\"a\",\"type\":\"int\"},"
          + "{\"name\":\"b\",\"type\":[\"null\",\"string\"],\"default\":null}]}";

  static EmbeddedPlatform platform;
  static RestSchemaRegistryClient client;

  @BeforeAll
  static void start(EmbeddedPlatform shared) {
    platform = shared;
    client = RestSchemaRegistryClient.builder(shared.registryUrl()).build();
  }

  static Schema parse(String text) {
    return new Schema.Parser().parse(text);
  }

  @Test
  void register_sameSchemaTwice_sameIdAndOneVersion() throws Exception {
    int id = client.register("reg-same-value", parse(V1));
    RestSchemaRegistryClient fresh =
        RestSchemaRegistryClient.builder(platform.registryUrl()).build();
    assertThat(fresh.register("reg-same-value", parse(V1))).isEqualTo(id);
    assertThat(get("/subjects/reg-same-value/versions").toString()).isEqualTo("[1]");
    // same text under another subject: same global id
    assertThat(fresh.register("reg-same-other-value", parse(V1))).isEqualTo(id);
    assertThat(fresh.getById(id)).isEqualTo(parse(V1));
    assertThat(fresh.lookUp("reg-same-value", parse(V1))).contains(id);
  }

  @Test
  void lookUp_unknownSubjectOrSchema_isEmpty() {
    assertThat(client.lookUp("never-registered-value", parse(V1))).isEmpty();
    client.register("lookup-value", parse(V1));
    assertThat(client.lookUp("lookup-value", parse(V2_OPTIONAL_FIELD))).isEmpty();
  }

  @Test
  void getById_unknownId_notFound40403() {
    assertThatThrownBy(() -> client.getById(987654))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.httpStatus()).hasValue(404);
              assertThat(e.errorCode()).hasValue(SchemaRegistryException.SCHEMA_NOT_FOUND);
            });
  }

  @Test
  void register_addedOptionalFieldWithDefault_accepted() {
    int v1 = client.register("evolve-ok-value", parse(V1));
    assertThat(client.isCompatible("evolve-ok-value", parse(V2_OPTIONAL_FIELD))).isTrue();
    int v2 = client.register("evolve-ok-value", parse(V2_OPTIONAL_FIELD));
    assertThat(v2).isNotEqualTo(v1);
    assertThat(get("/subjects/evolve-ok-value/versions").toString()).isEqualTo("[1,2]");
    assertThat(get("/subjects/evolve-ok-value/versions/latest").get("id").asInt()).isEqualTo(v2);
    assertThat(get("/subjects/evolve-ok-value/versions/1").get("id").asInt()).isEqualTo(v1);
  }

  @Test
  void register_addedRequiredField_refused409NamingTheField() {
    client.register("evolve-required-value", parse(V1));
    client.register("evolve-required-value", parse(V2_OPTIONAL_FIELD));
    assertThat(client.isCompatible("evolve-required-value", parse(V3_REQUIRED_FIELD))).isFalse();
    assertThatThrownBy(() -> client.register("evolve-required-value", parse(V3_REQUIRED_FIELD)))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.httpStatus()).hasValue(409);
              assertThat(e.errorCode()).hasValue(409);
            })
        .hasMessageContaining(
            "incompatible with an earlier schema for subject 'evolve-required-value'")
        .hasMessageContaining("BACKWARD_TRANSITIVE")
        .hasMessageContaining("READER_FIELD_MISSING_DEFAULT_VALUE")
        .hasMessageContaining("cannot read version 1")
        .hasMessageContaining("cannot read version 2");
  }

  @Test
  void register_changedFieldType_refused409() {
    client.register("evolve-type-value", parse(V1));
    assertThatThrownBy(() -> client.register("evolve-type-value", parse(V3_CHANGED_TYPE)))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("HTTP 409")
        .hasMessageContaining("TYPE_MISMATCH at /fields/0/type");
  }

  @Test
  void register_unparsableSchema_refused422() throws Exception {
    HttpResponse<String> response =
        post("/subjects/broken-value/versions", "{\"schema\":\"{\\\"type\\\":\\\"recrod\\\"}\"}");
    assertThat(response.statusCode()).isEqualTo(422);
    JsonNode body = new ObjectMapper().readTree(response.body());
    assertThat(body.get("error_code").asInt()).isEqualTo(42201);
    assertThat(body.get("message").asText()).startsWith("Invalid Avro schema");
  }

  @Test
  void isCompatible_unknownSubject_true() {
    assertThat(client.isCompatible("nothing-here-value", parse(V1))).isTrue();
  }

  @Test
  void config_isBackwardTransitive() {
    assertThat(get("/config").get("compatibilityLevel").asText()).isEqualTo("BACKWARD_TRANSITIVE");
  }

  @Test
  void restart_onSameBroker_keepsIdsAndVersions() {
    String topic = "_schemas_restart_test";
    int v1;
    int v2;
    try (EmbeddedSchemaRegistry first =
        EmbeddedSchemaRegistry.start(platform.bootstrapServers(), 0, topic)) {
      RestSchemaRegistryClient c = first.client();
      c.register("other-value", parse(V2_OPTIONAL_FIELD));
      v1 = c.register("restart-value", parse(V1));
      v2 = c.register("restart-value", parse(V2_OPTIONAL_FIELD));
    }
    try (EmbeddedSchemaRegistry second =
        EmbeddedSchemaRegistry.start(platform.bootstrapServers(), 0, topic)) {
      RestSchemaRegistryClient c = second.client();
      assertThat(c.getById(v1)).isEqualTo(parse(V1));
      assertThat(c.getById(v2)).isEqualTo(parse(V2_OPTIONAL_FIELD));
      assertThat(c.lookUp("restart-value", parse(V1))).contains(v1);
      assertThat(c.register("restart-value", parse(V2_OPTIONAL_FIELD))).isEqualTo(v2);
      // a new schema gets a new id, never one given out before the restart
      int v3 =
          c.register(
              "restart-value",
              parse(V3_CHANGED_TYPE.replace("\"int\"", "\"string\"").replace("\"b\"", "\"d\"")));
      assertThat(v3).isGreaterThan(Math.max(v1, v2));
      assertThatThrownBy(() -> c.register("restart-value", parse(V3_REQUIRED_FIELD)))
          .hasMessageContaining("HTTP 409");
    }
  }

  private static JsonNode get(String path) {
    try {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(platform.registryUrl() + path)).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      return new ObjectMapper().readTree(r.body());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(platform.registryUrl() + path))
                .header("Content-Type", RestSchemaRegistryClient.CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
