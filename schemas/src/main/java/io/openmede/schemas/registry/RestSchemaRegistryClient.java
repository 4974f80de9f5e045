package io.openmede.schemas.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A {@link SchemaRegistryClient} over the Confluent Schema Registry REST API, with {@link
 * java.net.http.HttpClient} and Jackson.
 *
 * <p>Caches schemas by id and ids by (subject, schema) for the life of the client; neither ever
 * changes in a registry. Thread-safe. Build one per registry URL with {@link #builder(String)} and
 * share it.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

  /** The content type of the Confluent API. */
  public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Registrations tried while the registry answers 409 "already exists" for a raced subject. */
  private static final int CONFLICT_ATTEMPTS = 5;

  private final String baseUrl;
  private final HttpClient http;
  private final Optional<String> authorization;
  private final Duration requestTimeout;
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
  private final Map<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();

  private RestSchemaRegistryClient(Builder b) {
    this.baseUrl = b.url.endsWith("/") ? b.url.substring(0, b.url.length() - 1) : b.url;
    HttpClient.Builder hb =
        HttpClient.newBuilder()
            .connectTimeout(b.connectTimeout)
            .version(HttpClient.Version.HTTP_1_1);
    if (b.sslContext != null) {
      hb.sslContext(b.sslContext);
    }
    this.http = hb.build();
    this.authorization =
        Optional.ofNullable(b.basicAuthUserInfo)
            .map(
                u ->
                    "Basic "
                        + Base64.getEncoder().encodeToString(u.getBytes(StandardCharsets.UTF_8)));
    this.requestTimeout = b.requestTimeout;
  }

  /** Starts a client for the registry at {@code url} (for example {@code http://host:8081}). */
  public static Builder builder(String url) {
    return new Builder(url);
  }

  /** The registry's base URL, without a trailing slash. */
  public String url() {
    return baseUrl;
  }

  @Override
  public int register(String subject, Schema schema) {
    SubjectSchema key = new SubjectSchema(subject, schema.toString());
    Integer cached = idsBySubjectSchema.get(key);
    if (cached != null) {
      return cached;
    }
    String call = "registering a schema under subject \"" + subject + "\"";
    for (int attempt = 1; ; attempt++) {
      JsonNode answer;
      try {
        answer =
            send(call, "POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
      } catch (SchemaRegistryException e) {
        if (!e.httpStatus().equals(java.util.OptionalInt.of(409))) {
          throw e;
        }
        // Apicurio answers a first registration that raced another one for the same subject with
        // 409 "already exists" where Confluent's registry returns the id: if the schema is there
        // now, that is its id. Otherwise 409 is an incompatible schema, or the race created the
        // subject with another schema and this one is still to be added: ask again, a few times.
        Optional<Integer> existing = lookUp(subject, schema);
        if (existing.isPresent()) {
          return existing.get();
        }
        if (attempt >= CONFLICT_ATTEMPTS || !SchemaRegistryException.saysAlreadyExists(e)) {
          throw e;
        }
        continue;
      }
      int id = requiredInt(call, answer, "id");
      idsBySubjectSchema.put(key, id);
      schemasById.putIfAbsent(id, schema);
      return id;
    }
  }

  @Override
  public Optional<CompatibilityLevel> compatibilityLevel(String subject) {
    String call = "reading the compatibility level of subject \"" + subject + "\"";
    JsonNode answer;
    try {
      answer = send(call, "GET", "/config/" + encode(subject), null);
    } catch (SchemaRegistryException e) {
      if (e.isNotFound()) {
        return Optional.empty(); // no level of its own (or no such subject yet)
      }
      throw e;
    }
    JsonNode level = answer.get("compatibilityLevel");
    if (level == null) {
      level = answer.get("compatibility");
    }
    if (level == null || !level.isTextual()) {
      throw SchemaRegistryException.unexpectedAnswer(call, 200, answer.toString(), null);
    }
    Optional<CompatibilityLevel> parsed = CompatibilityLevel.parse(level.asText());
    if (parsed.isEmpty()) {
      throw SchemaRegistryException.unexpectedAnswer(call, 200, answer.toString(), null);
    }
    return parsed;
  }

  @Override
  public void setCompatibilityLevel(String subject, CompatibilityLevel level) {
    String call =
        "setting the compatibility level of subject \"" + subject + "\" to " + level.name();
    ObjectNode body = JSON.createObjectNode();
    body.put("compatibility", level.name());
    send(call, "PUT", "/config/" + encode(subject), body.toString());
  }

  @Override
  public Schema getById(int id) {
    Schema cached = schemasById.get(id);
    if (cached != null) {
      return cached;
    }
    String call = "fetching schema id " + id;
    JsonNode answer = send(call, "GET", "/schemas/ids/" + id, null);
    JsonNode text = answer.get("schema");
    if (text == null || !text.isTextual()) {
      throw SchemaRegistryException.unexpectedAnswer(call, 200, answer.toString(), null);
    }
    String type = answer.path("schemaType").asText("AVRO");
    if (!type.equals("AVRO")) {
      throw SchemaRegistryException.refused(
          call, 200, 0, "schema id " + id + " is of type " + type + ", expected AVRO");
    }
    Schema schema;
    try {
      schema = new Schema.Parser().parse(text.asText());
    } catch (SchemaParseException e) {
      throw SchemaRegistryException.unexpectedAnswer(call, 200, text.asText(), e);
    }
    Schema previous = schemasById.putIfAbsent(id, schema);
    return previous == null ? schema : previous;
  }

  @Override
  public Optional<Integer> lookUp(String subject, Schema schema) {
    SubjectSchema key = new SubjectSchema(subject, schema.toString());
    Integer cached = idsBySubjectSchema.get(key);
    if (cached != null) {
      return Optional.of(cached);
    }
    String call = "looking up a schema under subject \"" + subject + "\"";
    JsonNode answer;
    try {
      answer = send(call, "POST", "/subjects/" + encode(subject), schemaBody(schema));
    } catch (SchemaRegistryException e) {
      if (e.isNotFound()) {
        return Optional.empty();
      }
      throw e;
    }
    int id = requiredInt(call, answer, "id");
    idsBySubjectSchema.put(key, id);
    schemasById.putIfAbsent(id, schema);
    return Optional.of(id);
  }

  @Override
  public boolean isCompatible(String subject, Schema schema) {
    String call = "checking compatibility under subject \"" + subject + "\"";
    JsonNode answer;
    try {
      answer =
          send(
              call,
              "POST",
              "/compatibility/subjects/" + encode(subject) + "/versions/latest",
              schemaBody(schema));
    } catch (SchemaRegistryException e) {
      if (e.isNotFound()) {
        return true; // no versions yet: anything may be registered
      }
      throw e;
    }
    JsonNode compatible = answer.get("is_compatible");
    if (compatible == null || !compatible.isBoolean()) {
      throw SchemaRegistryException.unexpectedAnswer(call, 200, answer.toString(), null);
    }
    return compatible.asBoolean();
  }

  private static String schemaBody(Schema schema) {
    ObjectNode body = JSON.createObjectNode();
    body.put("schema", schema.toString());
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON string", e);
    }
  }

  private static int requiredInt(String call, JsonNode answer, String field) {
    JsonNode value = answer.get(field);
    if (value == null || !value.canConvertToInt()) {
      throw SchemaRegistryException.unexpectedAnswer(call, 200, answer.toString(), null);
    }
    return value.asInt();
  }

  private static String encode(String pathSegment) {
    return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private JsonNode send(String call, String method, String path, String body) {
    HttpRequest.Builder rb =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(requestTimeout)
            .header("Accept", CONTENT_TYPE + ", application/json");
    authorization.ifPresent(a -> rb.header("Authorization", a));
    if (body == null) {
      rb.GET();
    } else {
      rb.header("Content-Type", CONTENT_TYPE);
      rb.method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }
    HttpResponse<String> response;
    try {
      response = http.send(rb.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw SchemaRegistryException.unreachable(baseUrl, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw SchemaRegistryException.unreachable(baseUrl, e);
    }
    int status = response.statusCode();
    JsonNode json;
    try {
      json = JSON.readTree(response.body());
    } catch (JsonProcessingException e) {
      if (status / 100 == 2) {
        throw SchemaRegistryException.unexpectedAnswer(call, status, response.body(), e);
      }
      json = null;
    }
    if (status / 100 == 2 && json != null) {
      return json;
    }
    if (json != null && json.has("error_code")) {
      throw SchemaRegistryException.refused(
          call, status, json.get("error_code").asInt(status), json.path("message").asText(""));
    }
    if (status == 401 || status == 403) {
      throw SchemaRegistryException.refused(
          call,
          status,
          status,
          "not authorised — check schema.registry.basic.auth.user.info (user:password)");
    }
    if (status / 100 != 2) {
      throw SchemaRegistryException.refused(call, status, status, abbreviate(response.body()));
    }
    throw SchemaRegistryException.unexpectedAnswer(call, status, abbreviate(response.body()), null);
  }

  private static String abbreviate(String s) {
    return s.length() <= 300 ? s : s.substring(0, 300) + "…";
  }

  private record SubjectSchema(String subject, String schema) {}

  /** Settings of a {@link RestSchemaRegistryClient}: the URL is required, the rest optional. */
  public static final class Builder {
    private final String url;
    private String basicAuthUserInfo;
    private SSLContext sslContext;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(30);

    private Builder(String url) {
      Objects.requireNonNull(url, "schema registry url");
      URI uri;
      try {
        uri = URI.create(url.trim());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "schema.registry.url \"" + url + "\" is not a URL; expected http(s)://host:port", e);
      }
      if (uri.getScheme() == null
          || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
          || uri.getHost() == null) {
        throw new IllegalArgumentException(
            "schema.registry.url \""
                + url
                + "\" is not an http(s) URL; expected http(s)://host:port");
      }
      this.url = url.trim();
    }

    /** HTTP basic authentication as {@code user:password}; null or blank means none. */
    public Builder optBasicAuth(String userInfo) {
      if (userInfo != null && !userInfo.isBlank()) {
        if (!userInfo.contains(":")) {
          throw new IllegalArgumentException(
              "basic auth user info must be user:password, got a value without ':'");
        }
        this.basicAuthUserInfo = userInfo;
      }
      return this;
    }

    /** The TLS context for https URLs; the JDK's default context when not set. */
    public Builder optSslContext(SSLContext context) {
      this.sslContext = Objects.requireNonNull(context, "ssl context");
      return this;
    }

    /**
     * Trusts the certificates in a truststore file (type {@code PKCS12} or {@code JKS}) instead of
     * the JDK's default trust.
     */
    public Builder optTrustStore(Path file, char[] password, String type) {
      try (InputStream in = Files.newInputStream(file)) {
        KeyStore store = KeyStore.getInstance(type == null ? KeyStore.getDefaultType() : type);
        store.load(in, password);
        TrustManagerFactory tmf =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        this.sslContext = context;
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalArgumentException(
            "cannot load the schema registry truststore " + file + " (type " + type + "): " + e, e);
      }
      return this;
    }

    /** How long to wait for a connection; 10 s by default. */
    public Builder optConnectTimeout(Duration timeout) {
      this.connectTimeout = Objects.requireNonNull(timeout);
      return this;
    }

    /** How long to wait for an answer; 30 s by default. */
    public Builder optRequestTimeout(Duration timeout) {
      this.requestTimeout = Objects.requireNonNull(timeout);
      return this;
    }

    public RestSchemaRegistryClient build() {
      return new RestSchemaRegistryClient(this);
    }
  }
}
