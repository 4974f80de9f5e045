package io.openmede.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.openmede.schemas.registry.RestSchemaRegistryClient;
import io.openmede.schemas.registry.SchemaRegistryException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small schema registry speaking the subset of the Confluent Schema Registry REST API that the
 * project's client uses, for the embedded default only: production points the project at a real
 * registry (Confluent, Karapace, Apicurio's ccompat API) by URL.
 *
 * <p>Schemas are stored in a compacted Kafka topic ({@value #DEFAULT_TOPIC} by default, one record
 * per subject version, as Confluent's registry does); on start the registry reads the topic to its
 * end, so ids and versions survive restarts. Ids are global and stable: the same schema text always
 * gets the same id. Every subject is {@code BACKWARD_TRANSITIVE}: a new version must be able to
 * read data written with every earlier version, checked with Avro's {@link SchemaCompatibility}; a
 * refusal is HTTP 409 naming the incompatibility. Unparsable schemas are HTTP 422 (error code
 * 42201). Only Avro schemas; no deletes, no references.
 *
 * <p>Endpoints: {@code POST /subjects/{s}/versions}, {@code POST /subjects/{s}}, {@code GET
 * /schemas/ids/{id}}, {@code POST /compatibility/subjects/{s}/versions/{v|latest}}, {@code GET
 * /subjects}, {@code GET /subjects/{s}/versions}, {@code GET /subjects/{s}/versions/{v|latest}},
 * {@code GET /config}, {@code GET /config/{s}}.
 *
 * <p>Listens on the loopback interface only. One instance per storage topic: it is the topic's only
 * writer. Thread-safe; {@link #close()} stops the HTTP server and the Kafka clients.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The storage topic by default, named as Confluent's. */
  public static final String DEFAULT_TOPIC = "_schemas";

  /** The compatibility level of every subject. */
  public static final String COMPATIBILITY_LEVEL = "BACKWARD_TRANSITIVE";

  private final HttpServer server;
  private final ExecutorService executor;
  private final SchemaLog log;
  private final Object lock = new Object();
  private final Map<String, List<SchemaLog.Entry>> subjects = new TreeMap<>();
  private final Map<Integer, String> schemasById = new HashMap<>();
  private final Map<String, Integer> idsBySchema = new HashMap<>();
  private int lastId;

  private EmbeddedSchemaRegistry(
      HttpServer server, ExecutorService executor, SchemaLog log, List<SchemaLog.Entry> stored) {
    this.server = server;
    this.executor = executor;
    this.log = log;
    stored.forEach(this::apply);
  }

  /**
   * Starts a registry storing its schemas in {@value #DEFAULT_TOPIC} on {@code bootstrapServers},
   * listening on {@code 127.0.0.1:port} (a free port when {@code port} is 0).
   */
  public static EmbeddedSchemaRegistry start(String bootstrapServers, int port) {
    return start(bootstrapServers, port, DEFAULT_TOPIC);
  }

  /** Starts a registry storing its schemas in {@code topic}. */
  public static EmbeddedSchemaRegistry start(String bootstrapServers, int port, String topic) {
    Objects.requireNonNull(bootstrapServers, "bootstrap servers");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("registry port " + port + " is not in 0..65535");
    }
    List<SchemaLog.Entry> stored = new ArrayList<>();
    SchemaLog log = SchemaLog.open(bootstrapServers, topic, stored);
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    } catch (IOException e) {
      log.close();
      throw new IllegalStateException(
          "cannot start the embedded schema registry on 127.0.0.1:"
              + port
              + ": "
              + e.getMessage()
              + " — is the port in use? Choose another registry port or 0 for a free one",
          e);
    }
    AtomicInteger threads = new AtomicInteger();
    ExecutorService executor =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "embedded-registry-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(server, executor, log, stored);
    server.createContext("/", registry::handle);
    server.setExecutor(executor);
    server.start();
    LOG.info(
        "embedded schema registry at {} ({} schemas, {} subjects, stored in {})",
        registry.url(),
        registry.schemasById.size(),
        registry.subjects.size(),
        topic);
    return registry;
  }

  /** The registry's base URL, {@code http://127.0.0.1:<port>}. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** A client of this registry. */
  public RestSchemaRegistryClient client() {
    return RestSchemaRegistryClient.builder(url()).build();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdown();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.close();
  }

  private void apply(SchemaLog.Entry entry) {
    List<SchemaLog.Entry> versions =
        subjects.computeIfAbsent(entry.subject(), s -> new ArrayList<>());
    versions.removeIf(v -> v.version() == entry.version());
    versions.add(entry);
    versions.sort((a, b) -> Integer.compare(a.version(), b.version()));
    schemasById.put(entry.id(), entry.schema());
    idsBySchema.putIfAbsent(entry.schema(), entry.id());
    lastId = Math.max(lastId, entry.id());
  }

  // ---- HTTP ----

  /** An answer other than 200, in the Confluent error format. */
  private static final class ApiError extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;
    final int code;

    ApiError(int status, int code, String message) {
      super(message, null, false, false);
      this.status = status;
      this.code = code;
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      JsonNode answer = route(exchange);
      respond(exchange, 200, answer);
    } catch (ApiError e) {
      ObjectNode error = JSON.createObjectNode();
      error.put("error_code", e.code);
      error.put("message", e.getMessage());
      respond(exchange, e.status, error);
    } catch (RuntimeException e) {
      LOG.warn("embedded schema registry failed on {}", exchange.getRequestURI(), e);
      ObjectNode error = JSON.createObjectNode();
      error.put("error_code", 50001);
      error.put("message", "internal error: " + e);
      respond(exchange, 500, error);
    } finally {
      exchange.close();
    }
  }

  private static void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", RestSchemaRegistryClient.CONTENT_TYPE);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private JsonNode route(HttpExchange exchange) throws ApiError, IOException {
    String method = exchange.getRequestMethod();
    List<String> path = new ArrayList<>();
    for (String segment : exchange.getRequestURI().getRawPath().split("/")) {
      if (!segment.isEmpty()) {
        path.add(URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8));
      }
    }
    int n = path.size();
    String first = n > 0 ? path.get(0) : "";
    if (n == 0 && method.equals("GET")) {
      return JSON.createObjectNode();
    }
    if (first.equals("subjects")) {
      if (n == 1 && method.equals("GET")) {
        return listSubjects();
      }
      if (n == 2 && method.equals("POST")) {
        return lookUp(path.get(1), requestSchema(exchange));
      }
      if (n == 3 && path.get(2).equals("versions")) {
        if (method.equals("GET")) {
          return listVersions(path.get(1));
        }
        if (method.equals("POST")) {
          return register(path.get(1), requestSchema(exchange));
        }
      }
      if (n == 4 && path.get(2).equals("versions") && method.equals("GET")) {
        return describe(version(path.get(1), path.get(3)));
      }
    }
    if (first.equals("schemas") && n == 3 && path.get(1).equals("ids") && method.equals("GET")) {
      return schemaById(path.get(2));
    }
    if (first.equals("compatibility")
        && n == 5
        && path.get(1).equals("subjects")
        && path.get(3).equals("versions")
        && method.equals("POST")) {
      return compatibility(path.get(2), path.get(4), requestSchema(exchange));
    }
    if (first.equals("config") && n <= 2 && method.equals("GET")) {
      ObjectNode config = JSON.createObjectNode();
      config.put("compatibilityLevel", COMPATIBILITY_LEVEL);
      return config;
    }
    if (first.equals("subjects")
        || first.equals("schemas")
        || first.equals("compatibility")
        || first.equals("config")) {
      throw new ApiError(
          405,
          405,
          method
              + " "
              + exchange.getRequestURI().getPath()
              + " is not supported by the embedded schema registry");
    }
    throw new ApiError(404, 404, "no such endpoint: " + exchange.getRequestURI().getPath());
  }

  /** The parsed schema of a request body, in Avro's normalised JSON text. */
  private static Schema requestSchema(HttpExchange exchange) throws ApiError, IOException {
    JsonNode body;
    try {
      body = JSON.readTree(exchange.getRequestBody().readAllBytes());
    } catch (IOException e) {
      throw new ApiError(400, 400, "the request body is not JSON: " + e.getMessage());
    }
    if (body == null || !body.path("schema").isTextual()) {
      throw new ApiError(
          422,
          SchemaRegistryException.INVALID_SCHEMA,
          "the request body must be {\"schema\": \"<Avro schema as a JSON string>\"}");
    }
    String type = body.path("schemaType").asText("AVRO");
    if (!type.equals("AVRO")) {
      throw new ApiError(
          422,
          SchemaRegistryException.INVALID_SCHEMA,
          "schemaType " + type + " is not supported by the embedded schema registry; only AVRO");
    }
    if (body.has("references") && body.get("references").size() > 0) {
      throw new ApiError(
          422,
          SchemaRegistryException.INVALID_SCHEMA,
          "schema references are not supported by the embedded schema registry");
    }
    try {
      return new Schema.Parser().parse(body.get("schema").asText());
    } catch (SchemaParseException | NullPointerException e) {
      throw new ApiError(
          422, SchemaRegistryException.INVALID_SCHEMA, "Invalid Avro schema: " + e.getMessage());
    }
  }

  private JsonNode listSubjects() {
    ArrayNode array = JSON.createArrayNode();
    synchronized (lock) {
      subjects.keySet().forEach(array::add);
    }
    return array;
  }

  private JsonNode listVersions(String subject) throws ApiError {
    ArrayNode array = JSON.createArrayNode();
    synchronized (lock) {
      versionsOf(subject).forEach(v -> array.add(v.version()));
    }
    return array;
  }

  private List<SchemaLog.Entry> versionsOf(String subject) throws ApiError {
    List<SchemaLog.Entry> versions = subjects.get(subject);
    if (versions == null || versions.isEmpty()) {
      throw new ApiError(
          404, SchemaRegistryException.SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
    }
    return versions;
  }

  private SchemaLog.Entry version(String subject, String version) throws ApiError {
    synchronized (lock) {
      List<SchemaLog.Entry> versions = versionsOf(subject);
      if (version.equals("latest") || version.equals("-1")) {
        return versions.get(versions.size() - 1);
      }
      try {
        int wanted = Integer.parseInt(version);
        for (SchemaLog.Entry v : versions) {
          if (v.version() == wanted) {
            return v;
          }
        }
      } catch (NumberFormatException e) {
        throw new ApiError(
            422,
            42202,
            "The specified version '"
                + version
                + "' is not a valid version id: expected a"
                + " number or 'latest'");
      }
      throw new ApiError(
          404,
          SchemaRegistryException.VERSION_NOT_FOUND,
          "Version " + version + " not found for subject '" + subject + "'.");
    }
  }

  private static JsonNode describe(SchemaLog.Entry entry) {
    ObjectNode node = JSON.createObjectNode();
    node.put("subject", entry.subject());
    node.put("version", entry.version());
    node.put("id", entry.id());
    node.put("schema", entry.schema());
    return node;
  }

  private JsonNode schemaById(String idText) throws ApiError {
    int id;
    try {
      id = Integer.parseInt(idText);
    } catch (NumberFormatException e) {
      throw new ApiError(
          404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + idText + " not found");
    }
    String schema;
    synchronized (lock) {
      schema = schemasById.get(id);
    }
    if (schema == null) {
      throw new ApiError(
          404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + id + " not found");
    }
    ObjectNode node = JSON.createObjectNode();
    node.put("schema", schema);
    return node;
  }

  private JsonNode lookUp(String subject, Schema schema) throws ApiError {
    String text = schema.toString();
    synchronized (lock) {
      for (SchemaLog.Entry v : versionsOf(subject)) {
        if (v.schema().equals(text)) {
          return describe(v);
        }
      }
    }
    throw new ApiError(
        404,
        SchemaRegistryException.SCHEMA_NOT_FOUND,
        "Schema not found under subject '" + subject + "'");
  }

  private JsonNode register(String subject, Schema schema) throws ApiError {
    String text = schema.toString();
    synchronized (lock) {
      List<SchemaLog.Entry> versions = subjects.getOrDefault(subject, List.of());
      for (SchemaLog.Entry v : versions) {
        if (v.schema().equals(text)) {
          return idNode(v.id());
        }
      }
      List<String> problems = incompatibilities(schema, versions);
      if (!problems.isEmpty()) {
        throw new ApiError(
            409,
            SchemaRegistryException.INCOMPATIBLE_SCHEMA,
            "Schema being registered is incompatible with an earlier schema for subject '"
                + subject
                + "' (compatibility "
                + COMPATIBILITY_LEVEL
                + ": a new version must read data written with every earlier version, so new"
                + " fields need a default and fields may not change type): "
                + String.join("; ", problems));
      }
      Integer existingId = idsBySchema.get(text);
      int id = existingId != null ? existingId : lastId + 1;
      int version = versions.isEmpty() ? 1 : versions.get(versions.size() - 1).version() + 1;
      SchemaLog.Entry entry = new SchemaLog.Entry(subject, version, id, text);
      try {
        log.append(entry);
      } catch (IOException e) {
        throw new ApiError(500, 50001, "cannot store the schema: " + e.getMessage());
      }
      apply(entry);
      LOG.info("registered schema id {} as version {} of subject {}", id, version, subject);
      return idNode(id);
    }
  }

  private static JsonNode idNode(int id) {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", id);
    return node;
  }

  private JsonNode compatibility(String subject, String version, Schema schema) throws ApiError {
    List<SchemaLog.Entry> against;
    synchronized (lock) {
      if (version.equals("latest") || version.equals("-1")) {
        against = List.copyOf(versionsOf(subject)); // transitive: every version
      } else {
        against = List.of(version(subject, version));
      }
    }
    List<String> problems = incompatibilities(schema, against);
    ObjectNode node = JSON.createObjectNode();
    node.put("is_compatible", problems.isEmpty());
    if (!problems.isEmpty()) {
      ArrayNode messages = node.putArray("messages");
      problems.forEach(messages::add);
    }
    return node;
  }

  /** Why {@code reader} cannot read data written with each of {@code earlier}; empty if it can. */
  private static List<String> incompatibilities(Schema reader, List<SchemaLog.Entry> earlier) {
    List<String> problems = new ArrayList<>();
    for (SchemaLog.Entry v : earlier) {
      Schema writer = new Schema.Parser().parse(v.schema());
      SchemaCompatibility.SchemaPairCompatibility result =
          SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
      if (result.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
        problems.add(
            "cannot read version "
                + v.version()
                + " (id "
                + v.id()
                + "): "
                + result.getResult().getIncompatibilities().stream()
                    .map(i -> i.getType() + " at " + i.getLocation() + " — " + i.getMessage())
                    .collect(Collectors.joining(", ")));
      }
    }
    return problems;
  }
}
