package io.openmede.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.openmede.schemas.avro.VocabularyEntry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The requests the client sends and how it reads answers, against a fake HTTP server that replays
 * answers in the documented Confluent format.
 */
class RestSchemaRegistryClientWithFakeServerTest {
  record Seen(String method, String rawPath, String contentType, String auth, String body) {}

  private HttpServer server;
  private final List<Seen> seen = new ArrayList<>();
  private final Map<String, String[]> answers = new ConcurrentHashMap<>(); // path -> {status, body}

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          synchronized (seen) {
            seen.add(
                new Seen(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    body));
          }
          String[] answer =
              answers.getOrDefault(
                  exchange.getRequestURI().getRawPath(),
                  new String[] {"404", "{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}"});
          byte[] bytes = answer[1].getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(Integer.parseInt(answer[0]), bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Test
  void register_postsSchemaJsonWithContentTypeAndBasicAuth_andCachesId() {
    answers.put("/subjects/cam%20frames-value/versions", new String[] {"200", "{\"id\":21}"});
    RestSchemaRegistryClient client =
        RestSchemaRegistryClient.builder(url()).optBasicAuth("alice:s3cret").build();
    assertThat(client.register("cam frames-value", VocabularyEntry.getClassSchema())).isEqualTo(21);
    assertThat(client.register("cam frames-value", VocabularyEntry.getClassSchema())).isEqualTo(21);
    assertThat(seen).hasSize(1);
    Seen request = seen.get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
    assertThat(request.auth())
        .isEqualTo(
            "Basic "
                + Base64.getEncoder()
                    .encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8)));
    assertThat(request.body())
        .isEqualTo(
            "{\"schema\":"
                + new com.fasterxml.jackson.databind.ObjectMapper()
                    .valueToTree(VocabularyEntry.getClassSchema().toString())
                + "}");
    // the id is known now: getById needs no request
    assertThat(client.getById(21)).isEqualTo(VocabularyEntry.getClassSchema());
    assertThat(seen).hasSize(1);
  }

  @Test
  void getById_parsesSchemaAndCaches() {
    answers.put(
        "/schemas/ids/5",
        new String[] {
          "200",
          "{\"schema\":"
              + new com.fasterxml.jackson.databind.ObjectMapper()
                  .valueToTree(VocabularyEntry.getClassSchema().toString())
              + "}"
        });
    RestSchemaRegistryClient client = RestSchemaRegistryClient.builder(url()).build();
    assertThat(client.getById(5)).isEqualTo(VocabularyEntry.getClassSchema());
    assertThat(client.getById(5)).isEqualTo(VocabularyEntry.getClassSchema());
    assertThat(seen)
        .extracting(Seen::method, Seen::rawPath)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("GET", "/schemas/ids/5"));
  }

  @Test
  void lookUp_subjectNotFound40401_isEmpty() {
    answers.put(
        "/subjects/t-value",
        new String[] {
          "404", "{\"error_code\":40401,\"message\":\"Subject 't-value' not found.\"}"
        });
    assertThat(
            RestSchemaRegistryClient.builder(url())
                .build()
                .lookUp("t-value", VocabularyEntry.getClassSchema()))
        .isEmpty();
  }

  @Test
  void lookUp_found_readsId() {
    answers.put(
        "/subjects/t-value",
        new String[] {"200", "{\"subject\":\"t-value\",\"id\":9,\"version\":2,\"schema\":\"x\"}"});
    assertThat(
            RestSchemaRegistryClient.builder(url())
                .build()
                .lookUp("t-value", VocabularyEntry.getClassSchema()))
        .contains(9);
  }

  @Test
  void register_incompatible409_throwsWithStatusCodeAndMessage() {
    answers.put(
        "/subjects/t-value/versions",
        new String[] {
          "409", "{\"error_code\":409,\"message\":\"Schema being registered is incompatible\"}"
        });
    assertThatThrownBy(
            () ->
                RestSchemaRegistryClient.builder(url())
                    .build()
                    .register("t-value", VocabularyEntry.getClassSchema()))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.httpStatus()).hasValue(409);
              assertThat(e.errorCode()).hasValue(409);
              assertThat(e.isUnreachable()).isFalse();
            })
        .hasMessage(
            "registering a schema under subject \"t-value\" refused by the schema registry: HTTP"
                + " 409, error code 409: Schema being registered is incompatible");
  }

  @Test
  void isCompatible_readsFlag_andUnknownSubjectIsCompatible() {
    answers.put(
        "/compatibility/subjects/a-value/versions/latest",
        new String[] {"200", "{\"is_compatible\":false}"});
    answers.put(
        "/compatibility/subjects/b-value/versions/latest",
        new String[] {"404", "{\"error_code\":40401,\"message\":\"Subject not found\"}"});
    RestSchemaRegistryClient client = RestSchemaRegistryClient.builder(url()).build();
    assertThat(client.isCompatible("a-value", VocabularyEntry.getClassSchema())).isFalse();
    assertThat(client.isCompatible("b-value", VocabularyEntry.getClassSchema())).isTrue();
  }

  @Test
  void unauthorised401WithoutErrorBody_saysToCheckCredentials() {
    answers.put("/schemas/ids/1", new String[] {"401", "Unauthorized"});
    assertThatThrownBy(() -> RestSchemaRegistryClient.builder(url()).build().getById(1))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("HTTP 401")
        .hasMessageContaining("check schema.registry.basic.auth.user.info");
  }

  @Test
  void register_409AlreadyExistsFromARacingRegistration_resolvesToTheExistingId() {
    // Apicurio's ccompat answer to the second of two concurrent first registrations
    answers.put(
        "/subjects/openmede.frames-value/versions",
        new String[] {
          "409",
          "{\"error_code\":409,\"message\":\"An artifact with ID 'openmede.frames-value' in group"
              + " 'null' already exists.\"}"
        });
    answers.put(
        "/subjects/openmede.frames-value",
        new String[] {"200", "{\"subject\":\"openmede.frames-value\",\"id\":7,\"version\":1}"});
    RestSchemaRegistryClient client = RestSchemaRegistryClient.builder(url()).build();
    assertThat(client.register("openmede.frames-value", VocabularyEntry.getClassSchema()))
        .isEqualTo(7);
    assertThat(seen)
        .extracting(Seen::method, Seen::rawPath)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("POST", "/subjects/openmede.frames-value/versions"),
            org.assertj.core.groups.Tuple.tuple("POST", "/subjects/openmede.frames-value"));
  }

  @Test
  void register_409AlreadyExistsWithoutTheSchema_asksAgainThenGivesUpWithThe409() {
    answers.put(
        "/subjects/v-value/versions",
        new String[] {
          "409",
          "{\"error_code\":409,\"message\":\"An artifact with ID 'v-value' already exists.\"}"
        });
    RestSchemaRegistryClient client = RestSchemaRegistryClient.builder(url()).build();
    assertThatThrownBy(() -> client.register("v-value", VocabularyEntry.getClassSchema()))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class, e -> assertThat(e.httpStatus()).hasValue(409));
    // five registrations, each followed by a look-up that did not find the schema
    assertThat(seen.stream().filter(r -> r.rawPath().endsWith("/versions"))).hasSize(5);
  }

  @Test
  void register_409Incompatible_isNotRetried() {
    answers.put(
        "/subjects/w-value/versions",
        new String[] {
          "409", "{\"error_code\":409,\"message\":\"Schema being registered is incompatible\"}"
        });
    RestSchemaRegistryClient client = RestSchemaRegistryClient.builder(url()).build();
    assertThatThrownBy(() -> client.register("w-value", VocabularyEntry.getClassSchema()))
        .isInstanceOf(SchemaRegistryException.class);
    assertThat(seen).hasSize(2); // the registration and one look-up
  }

  @Test
  void compatibilityLevel_readsTheSubjectsLevel_andNotFoundIsUnset() {
    answers.put(
        "/config/a-value",
        new String[] {"200", "{\"compatibilityLevel\":\"BACKWARD_TRANSITIVE\"}"});
    answers.put(
        "/config/b-value",
        new String[] {"404", "{\"error_code\":40408,\"message\":\"no subject-level config\"}"});
    RestSchemaRegistryClient client = RestSchemaRegistryClient.builder(url()).build();
    assertThat(client.compatibilityLevel("a-value"))
        .contains(CompatibilityLevel.BACKWARD_TRANSITIVE);
    assertThat(client.compatibilityLevel("b-value")).isEmpty();
  }

  @Test
  void setCompatibilityLevel_putsTheLevel() {
    answers.put("/config/a-value", new String[] {"200", "{\"compatibility\":\"FULL\"}"});
    RestSchemaRegistryClient.builder(url())
        .build()
        .setCompatibilityLevel("a-value", CompatibilityLevel.FULL);
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).method()).isEqualTo("PUT");
    assertThat(seen.get(0).rawPath()).isEqualTo("/config/a-value");
    assertThat(seen.get(0).body()).isEqualTo("{\"compatibility\":\"FULL\"}");
  }
}
